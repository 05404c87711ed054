from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<int:page_id>/add/", views.add_comment, name="add"),
    path("<int:comment_id>/report/", views.report_comment, name="report"),
]
