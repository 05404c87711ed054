"""Sending the emails waiting in the outbox, each at most once.

Sending hands each email to ``PORTAL_MAIL_DELIVERY_BACKEND`` (SMTP in
production, bounded by ``EMAIL_TIMEOUT``). The ``send_outbox`` task
(``portal.mail.tasks``) and the ``send_outbox`` management command call
``send_waiting``; queueing is ``portal.mail.outbox``.

Sending is at most once per row. A sender first claims a row with one atomic
``UPDATE ... WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < now)``,
so two workers never hand one email to the mail server; it marks the row sent
right after the server accepts it. A failure is recorded on the row with a
growing back-off. Only a process killed between the server accepting the
email and the row being marked (a few milliseconds) can lead to a second copy,
once the claim expires.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.core.outbox import SendReport

from .models import OutboxEmail

logger = logging.getLogger(__name__)

CLAIM = timedelta(minutes=10)
FIRST_BACK_OFF = timedelta(minutes=1)
LONGEST_BACK_OFF = timedelta(hours=1)


def back_off(attempts):
    """How long to wait after ``attempts`` failed tries: 1, 2, 4 ... minutes, at most an hour."""
    return min(FIRST_BACK_OFF * 2 ** max(attempts - 1, 0), LONGEST_BACK_OFF)


def claim(email, now, *, ignore_back_off=False):
    """Take this row for this sender in one UPDATE; False if it is sent, not due or another sender has it."""
    due = OutboxEmail.objects.due(now, ignore_back_off=ignore_back_off)
    return bool(due.filter(pk=email.pk).update(claimed_until=now + CLAIM))


def delivery_connection():
    """A connection to the real mail server: ``PORTAL_MAIL_DELIVERY_BACKEND``, never the outbox itself."""
    backend = settings.PORTAL_MAIL_DELIVERY_BACKEND
    # The outbox's own backend says so (``OutboxBackend.queues_in_outbox``); asking it this way keeps
    # sending free of the backend, which queues through ``portal.mail.outbox``.
    if getattr(import_string(backend), "queues_in_outbox", False):
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
