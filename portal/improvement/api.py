"""Spread in ``/api/v2/change-ideas/``: how many organisations are at each status for each change idea.

The roadmap's change ideas endpoint, with a ``spread`` field counted in the
same query as the ideas (one subquery per status), so its cost does not grow
with the number of ideas or organisations. Registered for ``change-ideas`` in
``portal.api``: the roadmap app knows nothing of organisations' statuses,
which are built on it.
"""

from django.db import models
from django.db.models.functions import Coalesce
from rest_framework import serializers
from wagtail.api import APIField

from portal.roadmap.api import ChangeIdeaAPIViewSet

from .models import ChangeIdeaStatus


class SpreadSerializer(serializers.Serializer):
    """How many organisations are at each status for a change idea now (current statuses only)."""

    planning = serializers.IntegerField(source="spread_planning")
    testing = serializers.IntegerField(source="spread_testing")
    adopted = serializers.IntegerField(source="spread_adopted")
    abandoned = serializers.IntegerField(source="spread_abandoned")


def spread_annotations():
    """One subquery per status counting organisations whose latest status it is."""
    annotations = {}
    for status in ChangeIdeaStatus.Status:
        counted = (
            ChangeIdeaStatus.objects.current()
            .filter(change_idea=models.OuterRef("pk"), status=status)
            .order_by()
            .values("change_idea")
            .annotate(organisations=models.Count("pk"))
            .values("organisations")
        )
        annotations[f"spread_{status.value}"] = Coalesce(
            models.Subquery(counted, output_field=models.IntegerField()), 0
        )
    return annotations


class ChangeIdeaWithSpreadAPIViewSet(ChangeIdeaAPIViewSet):
    """The roadmap's change ideas endpoint, with each idea's spread across organisations."""

    body_fields = [*ChangeIdeaAPIViewSet.body_fields, APIField("spread", serializer=SpreadSerializer(source="*"))]
    listing_default_fields = [*ChangeIdeaAPIViewSet.listing_default_fields, "spread"]

    def get_queryset(self):
        return super().get_queryset().annotate(**spread_annotations())
