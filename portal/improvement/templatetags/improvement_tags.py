from django import template

register = template.Library()


@register.filter
def spread_of(spread, idea):
    """``{"testing": n, "adopted": n, ...}`` for ``idea`` from ``ChangeIdeaStatus.objects.counts()``, zeros included."""
    counts = (spread or {}).get(idea.pk, {})
    return {status: counts.get(status, 0) for status in ("planning", "testing", "adopted", "abandoned")}
