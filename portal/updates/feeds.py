"""The feed of programme updates: the knowledge feed (``portal.core.feeds``) narrowed to updates."""

from portal.core.feeds import PORTAL_NAME, KnowledgeFeed

from .models import UpdateIndexPage, UpdatePage


class UpdateFeed(KnowledgeFeed):
    """Programme updates only."""

    def pages(self, obj):
        return UpdatePage.objects.for_listing()

    def title(self, obj):
        return f"{PORTAL_NAME}: programme updates"

    def description(self, obj):
        return "News from the programme team: what has happened and what comes next."

    def link(self, obj):
        index = UpdateIndexPage.objects.live().public().first()
        return index.get_url(self.request) if index else "/"
