from django.urls import path

from . import public_views

app_name = "change_ideas"

urlpatterns = [
    path("<slug:slug>/", public_views.change_idea_detail, name="detail"),
]
