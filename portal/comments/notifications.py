"""Telling a page's author that someone has commented on it.

The email names the commenter as the page shows them (name and organisation)
and never gives their email address, so members can talk in public without
handing out contact details.
"""

from django.template.loader import render_to_string

from portal.mail.outbox import queue_email


def notify_page_owner(comment, page):
    """Email the page's owner about a new comment, unless they wrote it or have no email address."""
    owner = page.owner
    if owner is None or not owner.email or owner.pk == comment.author_id or not owner.is_active:
        return False
    context = {"comment": comment, "page": page, "owner": owner, "page_url": f"{page.full_url}#comment-{comment.pk}"}
    subject = render_to_string("comments/email/new_comment_subject.txt", context).strip()
    body = render_to_string("comments/email/new_comment.txt", context)
    # Queued with the comment and sent after it is saved: a mail server that is
    # down must not turn the member's post into an error page, nor lose the email.
    return queue_email(f"comment:{comment.pk}:owner:{owner.pk}", [owner.email], subject, body) is not None
