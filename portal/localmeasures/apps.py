from django.apps import AppConfig


class LocalMeasuresConfig(AppConfig):
    name = "portal.localmeasures"
    label = "localmeasures"
    verbose_name = "Local measures"
