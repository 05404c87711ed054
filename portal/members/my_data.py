"""A member's own data: a copy to download, and deleting their account.

What a member wrote for the public stays on the site when they leave, named
only by their organisation; everything that is about them as a person goes.
The export reads each kind of record in one query, so its cost does not grow
with how much a member has written.
"""

import logging

from allauth.account.models import EmailAddress
from django.db import transaction

from learning.models import Contribution, LearningNotePage
from portal.comments.models import Comment, CommentReport

from .models import MemberProfile
from .names import names_used as all_names_used

logger = logging.getLogger(__name__)


def _when(moment):
    return moment.isoformat() if moment else None


def _url(page, request):
    return page.get_full_url(request) if page.live else None


def names_used(user):
    """Every name the member has gone by, newest first, with when they took it (``portal.members.names``)."""
    return [{"name": str(record), "from": _when(record.used_from)} for record in all_names_used(user)]


def export_member_data(user, request):
    """Everything the portal holds about ``user``, as plain data ready for JSON."""
    profile = (
        MemberProfile.objects.select_related("organisation")
        .prefetch_related("followed_settings", "followed_domains")
        .filter(user=user)
        .first()
    )
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    contributions = Contribution.objects.by(user).with_status().filter(page__isnull=False)
    comments = Comment.objects.filter(author=user).select_related("page").order_by("created_at", "pk")
    reports = CommentReport.objects.filter(reporter=user).select_related("comment__page")
    return {
        "account": {
            "name": user.get_full_name(),
            "username": user.get_username(),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary} for address in emails
            ],
            "names_used": names_used(user),
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "profile": None
        if profile is None
        else {
            "organisation": profile.organisation.name if profile.organisation_id else None,
            "requested_organisation": profile.requested_organisation,
            "role": profile.role,
            "status": profile.get_status_display(),
            "decided_at": _when(profile.decided_at),
            "organisation_confirmed_at": _when(profile.organisation_confirmed_at),
            "organisation_confirmed_how": profile.get_organisation_confirmed_how_display(),
            "follows": {
                "care_settings": [setting.name for setting in profile.followed_settings.all()],
                "safety_domains": [domain.name for domain in profile.followed_domains.all()],
            },
            "wants_digest": profile.wants_digest,
            "last_digest_at": _when(profile.last_digest_at),
        },
        "posts": [
            {
                "title": contribution.page.draft_title,
                "kind": contribution.kind,
                "status": contribution.Status(contribution.status).label,
                "created_at": _when(contribution.created_at),
                "url": _url(contribution.page, request),
            }
            for contribution in contributions
        ],
        "comments": [
            {
                "page_title": comment.page.title,
                "page_url": _url(comment.page, request),
                "text": comment.body,
                "created_at": _when(comment.created_at),
                "hidden": comment.is_hidden,
            }
            for comment in comments
        ],
        "comment_reports": [
            {
                "page_title": report.comment.page.title,
                "page_url": _url(report.comment.page, request),
                "comment_id": report.comment_id,
                "reason": report.reason,
                "created_at": _when(report.created_at),
            }
            for report in reports
        ],
    }


def former_member_name(organisation_name):
    return f"A former member of {organisation_name}" if organisation_name else "A former member"


@transaction.atomic
def delete_member_account(user):
    """Delete ``user`` and what is only theirs; keep what they published, credited to their organisation.

    Posts never published are deleted. A live learning note whose newest
    revision is the live one gets a new published revision naming "a former
    member"; one with unpublished changes waiting is left
    alone, since publishing would also put those changes live.
    """
    user_id = user.pk
    profile = MemberProfile.objects.select_related("organisation").filter(user=user).first()
    organisation_name = profile.organisation_name if profile else ""

    for contribution in Contribution.objects.by(user).select_related("page"):
        page = contribution.page
        if page is None:
            continue
        if not page.live and page.first_published_at is None:
            page.delete()
            continue
        page = page.specific
        if isinstance(page, LearningNotePage) and page.live and not page.has_unpublished_changes:
            # The page shows its organisation after the name ("A former member,
            # Sunrise Care"), so name the organisation only when the page has none.
            page.author_name = former_member_name("" if page.organisation_id else organisation_name)
            page.save_revision(log_action=True).publish()

    # Comments posted before the organisation was kept on each comment.
    if organisation_name:
        Comment.objects.filter(author=user, author_organisation_name="").update(
            author_organisation_name=organisation_name
        )
    user.delete()
    logger.info("User %s deleted their own account", user_id)
