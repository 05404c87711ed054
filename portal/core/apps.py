from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Portal core"

    def ready(self):
        from portal.core import purge, reports, textareas

        purge.connect_signals()
        reports.install()
        textareas.install()
