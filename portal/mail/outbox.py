"""Queueing emails with the change they are about, and sending them once.

``queue_email`` writes an ``OutboxEmail`` row inside the caller's transaction
and, once that transaction commits, enqueues the ``send_outbox`` task
(``portal.mail.tasks``). ``queue_message`` does the same for a Django email
message; the portal's ``EMAIL_BACKEND`` (``portal.mail.backends``) calls it
for every email that allauth, Wagtail or anything else sends, so no request
ever talks to the mail server. Without a ``TASKS`` setting django-tasks runs
the task at once; in production a worker runs it (docs/reliability.md). The
``send_outbox`` management command sends whatever is still waiting.

Sending hands each email to ``PORTAL_MAIL_DELIVERY_BACKEND`` (SMTP in
production, bounded by ``EMAIL_TIMEOUT``).

Sending is at most once per row. A sender first claims a row with one atomic
``UPDATE ... WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < now)``,
so two workers never hand one email to the mail server; it marks the row sent
right after the server accepts it. A failure is recorded on the row with a
growing back-off. Only a process killed between the server accepting the
email and the row being marked (a few milliseconds) can lead to a second copy,
once the claim expires.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxEmail

logger = logging.getLogger(__name__)

CLAIM = timedelta(minutes=10)
FIRST_BACK_OFF = timedelta(minutes=1)
LONGEST_BACK_OFF = timedelta(hours=1)


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
    from .tasks import send_outbox

    send_outbox.enqueue()


def back_off(attempts):
    """How long to wait after ``attempts`` failed tries: 1, 2, 4 ... minutes, at most an hour."""
    return min(FIRST_BACK_OFF * 2 ** max(attempts - 1, 0), LONGEST_BACK_OFF)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self):
        return {"sent": self.sent, "failed": self.failed, "errors": self.errors[:5]}


def claim(email, now, *, ignore_back_off=False):
    """Take this row for this sender in one UPDATE; False if it is sent, not due or another sender has it."""
    due = OutboxEmail.objects.due(now, ignore_back_off=ignore_back_off)
    return bool(due.filter(pk=email.pk).update(claimed_until=now + CLAIM))


def delivery_connection():
    """A connection to the real mail server: ``PORTAL_MAIL_DELIVERY_BACKEND``, never the outbox itself."""
    from .backends import OutboxBackend

    backend = settings.PORTAL_MAIL_DELIVERY_BACKEND
    if issubclass(import_string(backend), OutboxBackend):
        raise ImproperlyConfigured("PORTAL_MAIL_DELIVERY_BACKEND must be a real email backend, not the outbox.")
    return get_connection(backend)


def message_for(email, connection=None):
    connection = connection or delivery_connection()
    fields = {
        "subject": email.subject,
        "from_email": email.from_email or None,
        "to": email.to,
        "cc": email.cc,
        "bcc": email.bcc,
        "reply_to": email.reply_to,
        "headers": email.headers or None,
        "connection": connection,
    }
    if email.html_body and not email.body:
        message = EmailMessage(body=email.html_body, **fields)
        message.content_subtype = "html"
        return message
    message = EmailMultiAlternatives(body=email.body, **fields)
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def send_one(email, connection=None, *, ignore_back_off=False):
    """Send one queued email if it is still due: True if it went, False if skipped, ``SendFailed`` if it failed."""
    message = message_for(email, connection)  # a misconfigured sender fails loudly, before claiming anything
    now = timezone.now()
    if not claim(email, now, ignore_back_off=ignore_back_off):
        return False
    try:
        message.send()
    except Exception as exc:  # any failure of the mail server or the network
        error = f"{type(exc).__name__}: {exc}"[:1000]
        attempts = email.attempts + 1
        OutboxEmail.objects.filter(pk=email.pk).update(
            attempts=F("attempts") + 1,
            last_error=error,
            last_attempt_at=now,
            next_attempt_at=now + back_off(attempts),
            claimed_until=None,
        )
        logger.warning("Email %s could not be sent (try %d); it stays in the outbox: %s", email.key, attempts, error)
        raise SendFailed(error) from exc
    # The text goes: it may hold a password-reset link or a sign-in code.
    OutboxEmail.objects.filter(pk=email.pk).update(
        sent_at=timezone.now(), claimed_until=None, last_attempt_at=now, body="", html_body=""
    )
    return True


class SendFailed(Exception):
    pass


def send_waiting(*, ignore_back_off=False, progress=None):
    """Send every waiting email that is due, oldest first, and say how it went.

    Stops at the first failure: when the mail server is down every other
    email would fail the same way, and each would count as a try.
    ``ignore_back_off`` also sends emails still in their back-off time.
    """
    report = SendReport()
    due = OutboxEmail.objects.due(timezone.now(), ignore_back_off=ignore_back_off)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    for number, pk in enumerate(ids, start=1):
        email = OutboxEmail.objects.filter(pk=pk).first()
        if email is None:
            continue
        try:
            if send_one(email, ignore_back_off=ignore_back_off):
                report.sent += 1
        except SendFailed as failure:
            report.failed += 1
            report.errors.append(str(failure))
            break
        finally:
            if progress:
                progress(number, len(ids), email)
    return report
