from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "portal.improvement"
    label = "improvement"
    verbose_name = "Improvement in organisations"
