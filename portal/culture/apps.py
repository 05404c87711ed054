from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "portal.culture"
    label = "culture"
    verbose_name = "Safety culture"
