from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    name = "portal.updates"
    label = "updates"
