from django.urls import path

from . import digest_views

app_name = "digests"

urlpatterns = [
    path("unsubscribe/<str:token>/", digest_views.unsubscribe, name="unsubscribe"),
]
