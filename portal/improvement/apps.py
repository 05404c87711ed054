from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "portal.improvement"
    label = "improvement"
    verbose_name = "Improvement in organisations"

    def ready(self):
        from . import signals  # noqa: F401 - connects the page-cache purge receivers
