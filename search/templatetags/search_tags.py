from django import template

from search import service

register = template.Library()


@register.inclusion_tag("includes/related.html", takes_context=True)
def related_learning(context, page, limit=4):
    """The "Related learning" list at the foot of a knowledge page, from the search engine."""
    if page is None or page.pk is None:  # a preview of a page not yet saved
        return {"related": []}
    request = context.get("request")
    return {"related": service.related(page, user=getattr(request, "user", None), limit=limit)}
