"""Emails about comments: to a page's author about a new comment, and to moderators about a report.

The new-comment email names the commenter as the page shows them (name and
organisation) and never gives their email address, so members can talk in
public without handing out contact details.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from portal.core.links import page_url, public_url
from portal.mail.outbox import queue_email
from portal.members.emails import moderator_addresses


def notify_page_owner(comment, page):
    """Email the page's owner about a new comment, unless they wrote it or have no email address."""
    owner = page.owner
    if owner is None or not owner.email or owner.pk == comment.author_id or not owner.is_active:
        return False
    context = {"comment": comment, "page": page, "owner": owner, "page_url": f"{page_url(page)}#comment-{comment.pk}"}
    subject = render_to_string("comments/email/new_comment_subject.txt", context).strip()
    body = render_to_string("comments/email/new_comment.txt", context)
    # Queued with the comment and sent after it is saved: a mail server that is
    # down must not turn the member's post into an error page, nor lose the email.
    return queue_email(f"comment:{comment.pk}:owner:{owner.pk}", [owner.email], subject, body) is not None


def notify_moderators_of_report(report):
    """Email the moderators when a comment needs looking at: once, not once per report.

    A comment is "waiting" from its first report until a moderator hides,
    restores or keeps it (``Comment.reports_reviewed_at``). Only the report that starts the wait sends an email; more
    reports of the same comment meanwhile (from other members, or a flood)
    queue under the same outbox key, which sends nothing twice, and show in
    the admin's count instead. A comment restored and later reported again
    starts a new wait, so the moderators hear of it again.
    """
    comment = report.comment
    context = {
        "comment": comment,
        "report": report,
        "page": comment.page,
        "moderate_url": public_url(reverse("member_comments:edit", args=[comment.pk])),
    }
    subject = render_to_string("comments/email/reported_subject.txt", context).strip()
    body = render_to_string("comments/email/reported.txt", context)
    since = comment.reports_reviewed_at.isoformat() if comment.reports_reviewed_at else "first"
    key = f"comment-reported:{comment.pk}:after:{since}"
    return queue_email(key, moderator_addresses(), subject, body)
