from django.urls import path

from . import views

app_name = "taxonomy"

urlpatterns = [
    path("settings/", views.setting_list, name="setting_list"),
    path("settings/<slug:slug>/", views.setting_detail, name="setting"),
    path("domains/", views.domain_list, name="domain_list"),
    path("domains/<slug:slug>/", views.domain_detail, name="domain"),
    path("topics/<str:slug>/", views.topic_detail, name="topic"),
]
