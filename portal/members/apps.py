from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "portal.members"
    label = "members"
    verbose_name = "Members"

    def ready(self):
        from . import names, signals  # noqa: F401 - connects the signal receivers
