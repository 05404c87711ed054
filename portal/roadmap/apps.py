from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "portal.roadmap"
    label = "roadmap"

    def ready(self):
        from portal.core import purge

        from .purge_paths import roadmap_subpage_paths

        # The dashboard and measure pages draw on data points, CSV uploads and shared local
        # figures, some written in bulk without a row's save signal: purge them on every change.
        purge.register_related_paths("roadmap_subpages", roadmap_subpage_paths)
