"""The public roll-up of shared local data, for the roadmap's measure pages and dashboard.

A template tag rather than roadmap code, so the roadmap's pages need one line each
and every figure still comes from ``disclosure.rollups``, the rule applied.
"""

from django import template

from ..disclosure import FEW_ORGANISATIONS_WORDS, RULE_IN_SHORT, TOO_FEW_WORDS, rollups

register = template.Library()


@register.inclusion_tag("localmeasures/includes/rollups.html")
def local_rollups(measure=None, heading_level=2):
    """Roll-ups for the local measures that feed ``measure``, or for every local measure when None."""
    found = rollups(programme_measures=[measure]) if measure is not None else rollups()
    return {
        "rollups": found,
        "rule": RULE_IN_SHORT,
        "too_few": TOO_FEW_WORDS,
        "few_organisations": FEW_ORGANISATIONS_WORDS,
        "for_one_measure": measure is not None,
        "heading_level": heading_level,
    }
