from django import template

from ..models import ChangeIdeaStatus

register = template.Library()


@register.simple_tag
def spread_counts():
    """Current statuses as ``{change idea id: {status: organisations}}``, one query: ``{% spread_counts as spread %}``.

    The roadmap's driver diagram asks for it once per render; the roadmap app
    sits below this one and never imports it (docs/architecture.md).
    """
    return ChangeIdeaStatus.objects.counts()


@register.filter
def spread_of(spread, idea):
    """``{"testing": n, "adopted": n, ...}`` for ``idea`` from ``ChangeIdeaStatus.objects.counts()``, zeros included."""
    counts = (spread or {}).get(idea.pk, {})
    return {status: counts.get(status, 0) for status in ("planning", "testing", "adopted", "abandoned")}
