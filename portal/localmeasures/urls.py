from django.urls import path

from . import views

app_name = "localmeasures"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.measure_view, name="measure"),
    path("<slug:slug>/upload/", views.upload, name="upload"),
    path("<slug:slug>/example.csv", views.example, name="example"),
    path("<slug:slug>/sharing/", views.sharing, name="sharing"),
]
