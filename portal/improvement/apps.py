from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "portal.improvement"
    label = "improvement"
    verbose_name = "Improvement in organisations"

    def ready(self):
        from portal.core import purge
        from portal.members import digests as member_digests
        from portal.roadmap.models import ChangeIdea
        from portal.taxonomy.models import Organisation

        from . import digests, signals  # importing signals connects its page-cache purge receivers

        member_digests.register_section("started_testing", digests.SECTION)
        purge.register_paths("improvement_organisation", Organisation, signals.organisation_paths)
        purge.register_paths("improvement_change_idea", ChangeIdea, signals.change_idea_paths)
