"""Template tags for posting from the public site (``learning.views``)."""

from django import template

from learning.kept_forms import has_kept

register = template.Library()


@register.simple_tag(takes_context=True)
def share_form_kept(context):
    """Whether a learning note or peer-visit report typed while signed out is waiting for its writer to sign in."""
    request = context.get("request")
    return request is not None and has_kept(request)
