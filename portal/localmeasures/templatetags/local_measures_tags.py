"""The public roll-up of shared local data, for the roadmap's measure pages and dashboard.

A template tag rather than roadmap code, so the roadmap's pages need one line each
and every figure still comes from ``disclosure.rollups``, the rule applied.
"""

from django import template
from django.template.loader import render_to_string

from portal.core.memo import remember

from ..disclosure import FEW_ORGANISATIONS_WORDS, RULE_IN_SHORT, TOO_FEW_WORDS, rollups

register = template.Library()


@register.simple_tag
def local_rollups(measure=None, heading_level=2):
    """Roll-ups for the local measures that feed ``measure``, or for every local measure when None.

    The table is the same for every reader (only shared, disclosed figures), so
    its HTML is kept until content next changes: every save of a local value or
    a sharing choice replaces the content generation (``portal.core.purge``,
    and ``portal.localmeasures.views`` for the bulk writes that send no signal).
    """
    scope = measure.pk if measure is not None else "all"
    return remember(f"localmeasures:rollups:{scope}:{heading_level}", lambda: _rollups_html(measure, heading_level))


def _rollups_html(measure, heading_level):
    found = rollups(programme_measures=[measure]) if measure is not None else rollups()
    return render_to_string(
        "localmeasures/includes/rollups.html",
        {
            "rollups": found,
            "rule": RULE_IN_SHORT,
            "too_few": TOO_FEW_WORDS,
            "few_organisations": FEW_ORGANISATIONS_WORDS,
            "for_one_measure": measure is not None,
            "heading_level": heading_level,
        },
    )
