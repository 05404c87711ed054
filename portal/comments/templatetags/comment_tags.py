"""The comments section at the foot of knowledge pages.

Included from ``templates/includes/knowledge_footer.html``, which every
knowledge page shares; it renders nothing for page types that take no
comments, so the footer needs no knowledge of which ones do.
"""

from django import template
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from portal.comments.forms import CommentForm
from portal.comments.models import Comment, takes_comments
from portal.comments.views import has_kept_draft, kept_draft, waiting_for_approval
from portal.core.access import is_member
from portal.core.memo import remember

register = template.Library()


def _has_visible_comments(page):
    """Whether any comment on ``page`` is shown, kept until content changes.

    Most pages have none, and reading the comments with their authors' names,
    organisations and roles is the costliest query on a knowledge page. Only
    this yes or no is kept, never the comments: every comment posted, hidden,
    restored or deleted replaces the content generation (comments are content,
    ``portal.core.purge``), and the authors' names and roles, which change
    without it, are read afresh whenever there are comments to show.
    """
    return remember(f"has-comments:{page.pk}", lambda: Comment.objects.visible().on_page(page).exists())


def _blank_comment_fields():
    """The empty comment form's fields, drawn once until content changes: the same for every member.

    Only the fields: the form around them, with its CSRF token, is drawn for
    each request. A form sent back with errors (``add_comment.html``) is drawn
    afresh, with what the member typed.
    """
    return remember("comment-form-fields", lambda: get_template("includes/fields.html").render({"form": CommentForm()}))


@register.simple_tag(takes_context=True)
def comment_kept(context):
    """Whether a comment typed while signed out is waiting for its writer to sign in."""
    request = context.get("request")
    return request is not None and has_kept_draft(request)


@register.simple_tag(takes_context=True)
def page_comments(context, page):
    request = context.get("request")
    if request is None or page is None or page.pk is None or not takes_comments(page):
        return ""
    user = request.user
    member = is_member(user)
    # What they typed before being asked to sign in, shown back but not posted.
    draft = kept_draft(request, page) if member and page.live else None
    comments = list(Comment.objects.visible().on_page(page).for_display()) if _has_visible_comments(page) else []
    return render_to_string(
        "comments/page_comments.html",
        {
            "page": page,
            "comments": comments,
            "member": member,
            "can_comment": member and page.live,
            "can_report": member,
            "waiting": not member and waiting_for_approval(user),
            "blank_fields": mark_safe(_blank_comment_fields()) if member and draft is None else None,  # noqa: S308
            "form": CommentForm(initial={"body": draft}) if draft is not None else None,
            "draft": draft is not None,
            "sign_in_next": f"{page.url}#comments",
        },
        request=request,
    )
