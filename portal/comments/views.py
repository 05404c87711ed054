"""Posting and reporting comments from the public site.

The comment form sits at the foot of each commentable page and posts here.
When it is valid the member goes back to their comment on the page; when it
is not (empty, too long, or over the hourly limit), this view shows an "Add a
comment" page with the message next to the box and everything they typed
still in it, so that nothing is lost.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from portal.core.access import is_member
from portal.core.typist import typed_by, typist
from portal.members.models import MemberProfile

from .forms import CommentForm, ReportForm
from .models import MAX_COMMENT_LENGTH, Comment, CommentReport, takes_comments
from .notifications import notify_moderators_of_report, notify_page_owner

DUPLICATE_WINDOW = timedelta(minutes=2)


def comments_per_hour():
    """At most this many comments per member per hour (portal/settings/base.py)."""
    return settings.PORTAL_COMMENTS_PER_HOUR


def organisation_name_of(user):
    """The organisation to keep on a comment, so it can still be named if the author leaves."""
    profile = MemberProfile.objects.select_related("organisation").filter(user=user).first()
    return profile.organisation_name if profile else ""


def commentable_page(request, page_id):
    """The live page a request may comment on, or 404.

    A page behind a view restriction the visitor does not pass is treated as
    missing, the same as Wagtail's own page serving does.
    """
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    if not takes_comments(page):
        raise Http404("This page does not take comments.")
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404("This page is not available.")
    return page


def waiting_for_approval(user):
    """Whether a signed-in user has asked to join and is still waiting."""
    profile = getattr(user, "member_profile", None) if user.is_authenticated else None
    return profile is not None and profile.status == MemberProfile.Status.PENDING


# A comment typed by someone whose session ended (often by signing out in
# another tab) is kept here until they sign in and post it.
DRAFT_SESSION_KEY = "comment_draft"
MAX_KEPT_LENGTH = 5 * MAX_COMMENT_LENGTH


def keep_draft(request, page):
    """Keep what a signed-out person tried to post, for this page only, so that signing in loses nothing.

    Only the text, up to five times the most a comment may hold (a longer
    paste is refused with its length when posted, so nothing is cut unseen);
    it is shown back in the comment box on this page
    (``comment_tags.page_comments``), only to the member whose form sent it
    (its signed ``typed_by``), and never posted for them. A draft for another
    page replaces it. Text sent without a genuine ``typed_by`` (by someone who
    was never shown a comment form) is not kept.
    """
    body = (request.POST.get("body") or "").strip()
    writer = typist(request)
    if not body or writer is None:  # only a member's own form says who typed it (portal.core.typist)
        return False
    request.session[DRAFT_SESSION_KEY] = {"page": page.pk, "body": body[:MAX_KEPT_LENGTH], "typed_by": writer}
    return True


def has_kept_draft(request):
    """Whether a comment typed while signed out is waiting (for the sign-in page to say so)."""
    session = getattr(request, "session", None)
    draft = session.get(DRAFT_SESSION_KEY) if session is not None else None
    return isinstance(draft, dict) and bool(draft.get("body"))


def back_to_comment_box(page, kept):
    """Where to return to on ``page``: its comment box when a comment was kept, else its comments."""
    return page.url + ("#add-comment" if kept else "#comments")


def kept_draft(request, page):
    """The text kept by ``keep_draft`` for ``page``, or None: only for the member who typed it."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if isinstance(draft, dict) and draft.get("page") == page.pk and draft.get("typed_by") == request.user.pk:
        return draft.get("body") or None
    return None


def _not_a_member(request, page):
    context = {"commented_page": page, "waiting": waiting_for_approval(request.user)}
    return render(request, "comments/not_allowed.html", context, status=403)


@require_http_methods(["GET", "POST"])
def add_comment(request, page_id):
    page = commentable_page(request, page_id)
    if not request.user.is_authenticated:
        kept = request.method == "POST" and keep_draft(request, page)
        return redirect_to_login(back_to_comment_box(page, kept))
    if not is_member(request.user):
        return _not_a_member(request, page)

    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limit = comments_per_hour()
        since = timezone.now() - timedelta(hours=1)
        if Comment.objects.by_author_since(request.user, since).count() >= limit:
            form.add_error(
                "body",
                f"You have posted {limit} comments in the last hour, which is the most we allow. "
                "Please try again later: your comment is still here for you to post.",
            )
        else:
            body = form.cleaned_data["body"]
            # A double tap on "Post comment" sends the same text twice; the
            # second time, show the comment already posted instead of a copy.
            comment = (
                Comment.objects.by_author_since(request.user, timezone.now() - DUPLICATE_WINDOW)
                .filter(page=page, body=body)
                .first()
            )
            if comment is None:
                comment = Comment.objects.create(
                    page=page,
                    author=request.user,
                    author_organisation_name=organisation_name_of(request.user),
                    body=body,
                )
                notify_page_owner(comment, page)
            if kept_draft(request, page) is not None:
                del request.session[DRAFT_SESSION_KEY]
            messages.success(request, "Your comment has been posted.")
            return redirect(f"{page.url}#comment-{comment.pk}")

    context = {"commented_page": page, "form": form, "typed_by": typed_by(request.user)}
    return render(request, "comments/add_comment.html", context)


def _reportable_comment(request, comment_id):
    comment = get_object_or_404(Comment.objects.visible().select_related("author"), pk=comment_id)
    return comment, commentable_page(request, comment.page_id)


@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id):
    comment, page = _reportable_comment(request, comment_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_member(request.user):
        return _not_a_member(request, page)

    context = {"commented_page": page, "comment": comment}
    earlier = CommentReport.objects.filter(comment=comment, reporter=request.user).first()
    reviewed = _reviewed_since(comment, earlier)
    if earlier is not None and not reviewed:
        # One report per member per comment while it waits: a second one (the
        # back button, a change of heart) is told it is already with the programme team.
        return render(request, "comments/reported.html", {**context, "report": earlier, "already": True})

    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if reviewed:
                # A moderator decided after this member's report: reporting again starts a new wait.
                report, created = earlier, True
                changed = CommentReport.objects.filter(pk=earlier.pk, created_at=earlier.created_at).update(
                    reason=form.cleaned_data["reason"], created_at=timezone.now()
                )
                created = changed == 1  # a second click (or tab) that lost the race is "already reported"
                report.refresh_from_db()
            else:
                report, created = CommentReport.objects.get_or_create(
                    comment=comment, reporter=request.user, defaults={"reason": form.cleaned_data["reason"]}
                )
            if created:
                notify_moderators_of_report(report)
        return render(request, "comments/reported.html", {**context, "report": report, "already": not created})

    return render(request, "comments/report_comment.html", {**context, "form": form, "reviewed": reviewed})


def _reviewed_since(comment, report):
    """When a moderator decided on the comment after this member's report, or None."""
    if report is None or comment.reports_reviewed_at is None or comment.reports_reviewed_at < report.created_at:
        return None
    return comment.reports_reviewed_at


def keep_turned_away_comment(request, match):
    """A comment whose form had expired (``portal.core.views.csrf_failure``): keep it like a signed-out one.

    Signing out and in again in another tab gives the page's comment form an
    out-of-date token; what was typed is kept for that page (``keep_draft``),
    and the page with its comment box is where to go back to.
    """
    if match.view_name != "comments:add":
        return None
    try:
        page = commentable_page(request, match.kwargs["page_id"])
    except Http404:
        return None
    return back_to_comment_box(page, keep_draft(request, page))
