"""The comments section at the foot of knowledge pages.

Included from ``templates/includes/knowledge_footer.html``, which every
knowledge page shares; it renders nothing for page types that take no
comments, so the footer needs no knowledge of which ones do.
"""

from django import template
from django.template.loader import render_to_string

from portal.comments.forms import CommentForm
from portal.comments.models import Comment, takes_comments
from portal.comments.views import waiting_for_approval
from portal.core.access import is_member

register = template.Library()


@register.simple_tag(takes_context=True)
def page_comments(context, page):
    request = context.get("request")
    if request is None or page is None or page.pk is None or not takes_comments(page):
        return ""
    user = request.user
    member = is_member(user)
    comments = list(Comment.objects.visible().on_page(page).for_display())
    return render_to_string(
        "comments/page_comments.html",
        {
            "page": page,
            "comments": comments,
            "member": member,
            "can_comment": member and page.live,
            "can_report": member,
            "waiting": not member and waiting_for_approval(user),
            "form": CommentForm() if member else None,
            "sign_in_next": f"{page.url}#comments",
        },
        request=request,
    )
