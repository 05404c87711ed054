from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("", views.my_organisation, name="mine"),
    path("records/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/", views.organisation_records, name="organisation"),
]
