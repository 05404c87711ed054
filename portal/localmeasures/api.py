"""Shared local data in ``/api/v2/measures/``: each programme measure's published roll-ups.

Only ``disclosure.PublicFigure`` reaches this module, so the API shows what the
pages show and nothing more: null stands for a count shown as "*" on the site
(1 to 7, or a rate worked from one), and a month fewer than 5 organisations
shared is not listed at all (``disclosure.disclose``). The roll-ups of a whole page of
measures are fetched once per request (two queries), not once per measure.
"""

from rest_framework import serializers
from wagtail.api import APIField

from portal.roadmap.api import MeasureAPIViewSet

from .disclosure import MIN_ORGANISATIONS, RULE_IN_SHORT, rollups

_CACHE_ATTRIBUTE = "_portal_local_rollups"


def _by_programme_measure(request):
    found = getattr(request, _CACHE_ATTRIBUTE, None)
    if found is None:
        found = {}
        for rollup in rollups():
            if rollup.measure.programme_measure_id:
                found.setdefault(rollup.measure.programme_measure_id, []).append(rollup)
        setattr(request, _CACHE_ATTRIBUTE, found)
    return found


class LocalRollupsField(serializers.Field):
    """A programme measure's local roll-ups, by local measure and care setting, month by month."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, measure):
        return [_rollup(rollup) for rollup in _by_programme_measure(self.context["request"]).get(measure.pk, [])]


def _rollup(rollup):
    measure = rollup.measure
    return {
        "local_measure": measure.name,
        "slug": measure.slug,
        "kind": measure.kind,
        "unit": measure.unit,
        "setting": {"slug": rollup.setting.slug, "name": rollup.setting.name},
        "rule": RULE_IN_SHORT,
        "minimum_organisations": MIN_ORGANISATIONS,
        "months": [
            {
                "month": f"{figure.month:%Y-%m}",
                "organisations": figure.organisations,
                "numerator": figure.numerator,
                "denominator": figure.denominator if measure.is_rate else None,
                "rate": round(figure.rate, 1) if figure.rate is not None else None,
            }
            for figure in rollup.figures
        ],
    }


class MeasureWithRollupsAPIViewSet(MeasureAPIViewSet):
    """The roadmap's measures endpoint, with each measure's shared local data after the disclosure rule.

    Registered for ``/api/v2/measures/`` in ``portal.api``: the roadmap app knows
    nothing of local measures, which are built on it.
    """

    body_fields = [*MeasureAPIViewSet.body_fields, APIField("local_rollups", serializer=LocalRollupsField())]
    listing_default_fields = [*MeasureAPIViewSet.listing_default_fields, "local_rollups"]
