"""Queueing emails with the change they are about, and sending them once.

``queue_email`` writes an ``OutboxEmail`` row inside the caller's transaction
and, once that transaction commits, enqueues the ``send_outbox`` task
(``portal.mail.tasks``). ``queue_message`` does the same for a Django email
message; the portal's ``EMAIL_BACKEND`` (``portal.mail.backends``) calls it
for every email that allauth, Wagtail or anything else sends, so no request
ever talks to the mail server. Without a ``TASKS`` setting django-tasks runs
the task at once; in production a worker runs it (docs/reliability.md). The
``send_outbox`` management command sends whatever is still waiting.

Sending, at most once per email, is ``portal.mail.sending``: this module
queues and enqueues the task, the task (``portal.mail.tasks``) calls the sender,
and nothing imports back up that chain.
"""

import uuid

from django.db import IntegrityError, transaction

from .models import OutboxEmail
from .tasks import send_outbox


def addresses(values):
    return sorted({address for address in values or () if address})


def queue_email(key, to, subject, body, html_body="", headers=None, *, from_email="", cc=None, bcc=None, reply_to=None):
    """Queue one email, unless one with this key is already queued; returns the row or None.

    ``key`` names the event the email is about, so that a signal firing twice
    or a retried request queues one email, not two.
    """
    recipients = addresses(to)
    if not (recipients or addresses(cc) or addresses(bcc)):
        return None
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                key=key[:255],
                to=recipients,
                cc=addresses(cc),
                bcc=addresses(bcc),
                reply_to=list(reply_to or []),
                from_email=from_email or "",
                subject=" ".join(subject.split())[:998],
                body=body,
                html_body=html_body,
                headers=headers or {},
            )
    except IntegrityError:
        return OutboxEmail.objects.filter(key=key[:255]).first()
    # robust: a task queue that cannot take the task must not undo or break the
    # change; the row waits for the next run of the send_outbox command.
    transaction.on_commit(enqueue_send, robust=True)
    return email


def queue_message(message):
    """Queue a Django ``EmailMessage`` (or ``EmailMultiAlternatives``) as it stands; returns the row or None.

    Such a message names no event, so each one is a row of its own. The
    outbox carries text, HTML and headers; an attachment (which nothing in the
    portal sends) is refused rather than dropped without a word.
    """
    if message.attachments:
        raise ValueError("The email outbox does not carry attachments.")
    body, html_body = message.body, ""
    if message.content_subtype == "html":
        body, html_body = "", message.body
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    return queue_email(
        f"message:{uuid.uuid4().hex}",
        message.to,
        message.subject,
        body,
        html_body=html_body,
        headers=message.extra_headers,
        from_email=message.from_email,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=message.reply_to,
    )


def enqueue_send():
    send_outbox.enqueue()
