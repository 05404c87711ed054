"""An Atom feed per change idea: organisations reaching a status, and learning linked to it.

Public, so it carries only what the change idea's page shows: each
organisation's current status, dated when it took effect (never reasons, who
recorded it, or earlier rows), and live, public learning notes linked to the idea.
"""

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from learning.models import LearningNotePage
from portal.core.feeds import (
    ITEMS_PER_FEED,
    PORTAL_NAME,
    PROGRAMME_TIME_ZONE,
    PUBLICATION_TIME,
    KnowledgeFeed,
    plain_text_as_html,
)
from portal.roadmap.models import ChangeIdea

from .models import EARLIEST_TOOK_EFFECT, ChangeIdeaStatus


@dataclass
class Entry:
    title: str
    description: str
    link: str
    date: datetime.date
    guid: str


class ChangeIdeaFeed(KnowledgeFeed):
    item_guid_is_permalink = False

    def __init__(self, feed_type=Atom1Feed):
        super().__init__(feed_type)

    def get_object(self, request, slug):
        return get_object_or_404(ChangeIdea, slug=slug)

    def title(self, obj):
        return f"{PORTAL_NAME}: {obj.title}"

    def description(self, obj):
        return f"Organisations planning, testing, adopting or abandoning '{obj.title}', and their learning."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        idea_url = obj.get_absolute_url()
        statuses = (
            ChangeIdeaStatus.objects.current()
            .for_change_idea(obj)
            .select_related("organisation")
            .newest_first()[:ITEMS_PER_FEED]
        )
        entries = [
            Entry(
                title=f"{row.organisation.name}: {row.get_status_display().lower()}",
                description=plain_text_as_html(
                    f"{row.organisation.name} recorded '{obj.title}' as {row.get_status_display().lower()} "
                    f"from {row.took_effect_on:%-d %B %Y}."
                ),
                link=row.organisation.get_absolute_url(),
                date=row.took_effect_on,
                guid=f"{idea_url}#status-{row.pk}",
            )
            for row in statuses
        ]
        notes = (
            LearningNotePage.objects.visible_to(None)
            .filter(change_idea_statuses__change_idea=obj, change_idea_statuses__withdrawn_at__isnull=True)
            .distinct()
            .newest_first()[:ITEMS_PER_FEED]
        )
        entries += [
            Entry(
                title=f"Learning: {note.title}",
                description=plain_text_as_html(note.summary),
                link=note.get_url(self.request),
                date=note.date,
                guid=note.get_url(self.request),
            )
            for note in notes
        ]
        return sorted(entries, key=lambda entry: entry.date, reverse=True)[:ITEMS_PER_FEED]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    def item_pubdate(self, item):
        # A status stored before EARLIEST_TOOK_EFFECT was enforced (year 1, say) would be
        # dated in local mean time, an offset Atom cannot express; date it from the bound.
        date = max(item.date, EARLIEST_TOOK_EFFECT)
        return datetime.datetime.combine(date, PUBLICATION_TIME, tzinfo=PROGRAMME_TIME_ZONE)

    def item_categories(self, item):
        return []
