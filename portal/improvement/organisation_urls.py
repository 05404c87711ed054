from django.urls import path

from . import public_views

app_name = "organisations"

urlpatterns = [
    path("", public_views.organisation_list, name="list"),
    path("<slug:slug>/", public_views.organisation_detail, name="detail"),
]
