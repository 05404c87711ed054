from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "portal.roadmap"
    label = "roadmap"
