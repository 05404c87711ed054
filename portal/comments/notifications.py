"""Telling a page's author that someone has commented on it.

The email names the commenter as the page shows them (name and organisation)
and never gives their email address, so members can talk in public without
handing out contact details.
"""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def notify_page_owner(comment, page):
    """Email the page's owner about a new comment, unless they wrote it or have no email address."""
    owner = page.owner
    if owner is None or not owner.email or owner.pk == comment.author_id or not owner.is_active:
        return False
    context = {"comment": comment, "page": page, "owner": owner, "page_url": f"{page.full_url}#comment-{comment.pk}"}
    subject = render_to_string("comments/email/new_comment_subject.txt", context).strip()
    body = render_to_string("comments/email/new_comment.txt", context)
    try:
        send_mail(subject, body, None, [owner.email])
    except OSError:
        # The comment is saved either way; a mail server being down must not
        # turn the member's post into an error page.
        logger.exception("Could not email the owner of page %s about comment %s", page.pk, comment.pk)
        return False
    return True
