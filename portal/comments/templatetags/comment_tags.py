"""The comments section at the foot of knowledge pages.

Included from ``templates/includes/knowledge_footer.html``, which every
knowledge page shares; it renders nothing for page types that take no
comments, so the footer needs no knowledge of which ones do.
"""

from django import template
from django.template.loader import get_template, render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.comments.forms import CommentForm
from portal.comments.models import Comment, takes_comments
from portal.comments.views import has_kept_draft, kept_draft, waiting_for_approval
from portal.core.access import is_member
from portal.core.csrf import token_for
from portal.core.memo import remember
from portal.core.typist import typed_by

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


# Stands in for the CSRF token in the kept form: no token, and nothing else in the form, looks like it.
_TOKEN_SLOT = "#portal-csrf-token-slot#"  # noqa: S105 - a placeholder, not a secret
# And for the member's signed ``typed_by`` (portal.core.typist), which is theirs alone too.
_TYPIST_SLOT = "#portal-typist-slot#"


def _blank_comment_form(page, request):
    """A member's empty comment form for ``page``, with this request's own CSRF token.

    Everything but the token and ``typed_by`` is the same for every member on
    this page (the form's address names the page; its fields and button are
    fixed), so it is drawn once until content changes and kept in three parts
    either side of them. The token (``portal.core.csrf.token_for``) and the
    member's signed id (``portal.core.typist.typed_by``) are put between them
    for each request and never kept. A form sent back with errors
    (``add_comment.html``), or holding a kept draft, is drawn afresh with what
    the member typed.
    """

    def draw():
        html = get_template("comments/comment_form.html").render(
            {"page": page, "form": CommentForm(), "csrf_token": _TOKEN_SLOT, "typed_by": _TYPIST_SLOT}
        )
        before, rest = html.split(_TOKEN_SLOT)
        between, after = rest.split(_TYPIST_SLOT)
        return before, between, after

    before, between, after = remember(f"comment-form-parts:{page.pk}", draw)
    token, typist = escape(token_for(request)), escape(typed_by(request.user))
    return mark_safe(before + token + between + typist + after)  # noqa: S308 - our template, and escaped values


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
            "blank_form": _blank_comment_form(page, request) if member and page.live and draft is None else None,
            "form": CommentForm(initial={"body": draft}) if draft is not None else None,
            "draft": draft is not None,
            "sign_in_next": f"{page.url}#comments",
            "typed_by": typed_by(user) if member else "",
        },
        request=request,
    )
