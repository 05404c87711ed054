from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "portal.improvement"
    label = "improvement"
    verbose_name = "Improvement in organisations"

    def ready(self):
        from portal.members import digests as member_digests

        from . import digests, signals  # noqa: F401 - signals connects the page-cache purge receivers

        member_digests.register_section("started_testing", digests.SECTION)
