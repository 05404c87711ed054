"""The portal's EMAIL_BACKEND queues every message whole, and the sender delivers it as it was."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, send_mail

from portal.mail.models import OutboxEmail
from portal.mail.sending import send_waiting

pytestmark = pytest.mark.django_db

OUTBOX = "portal.mail.backends.OutboxBackend"


def test_a_message_is_queued_not_sent_and_goes_out_as_it_was(settings):
    settings.EMAIL_BACKEND = OUTBOX
    message = EmailMultiAlternatives(
        "Your   sign-in\ncode",
        "Your code is 123456.",
        "Programme team <team@example.org>",
        ["ravi@example.org"],
        cc=["deputy@example.org"],
        bcc=["audit@example.org"],
        reply_to=["help@example.org"],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative("<p>Your code is <b>123456</b>.</p>", "text/html")
    assert message.send() == 1
    assert mail.outbox == []
    row = OutboxEmail.objects.get()
    assert (row.to, row.cc, row.bcc, row.reply_to) == (
        ["ravi@example.org"],
        ["deputy@example.org"],
        ["audit@example.org"],
        ["help@example.org"],
    )
    assert row.status == "Waiting" and row.key.startswith("message:")

    assert send_waiting().sent == 1
    [sent] = mail.outbox
    assert sent.subject == "Your sign-in code"
    assert sent.from_email == "Programme team <team@example.org>"
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["ravi@example.org"],
        ["deputy@example.org"],
        ["audit@example.org"],
        ["help@example.org"],
    )
    assert sent.body == "Your code is 123456."
    assert sent.alternatives[0].content == "<p>Your code is <b>123456</b>.</p>"
    assert sent.extra_headers == {"Auto-Submitted": "auto-generated"}
    row.refresh_from_db()
    # Sent: the row keeps who, what and when, but not the code.
    assert row.status == "Sent" and row.body == "" and row.html_body == ""


def test_an_html_only_message_stays_html_and_the_default_sender_is_used(settings):
    settings.EMAIL_BACKEND = OUTBOX
    message = EmailMessage("Hello", "<p>Hello</p>", to=["a@example.org"])
    message.content_subtype = "html"
    message.send()
    send_mail("Plain", "Just text", None, ["b@example.org"])
    send_waiting()
    html, plain = mail.outbox
    assert html.content_subtype == "html" and html.body == "<p>Hello</p>"
    assert plain.from_email == settings.DEFAULT_FROM_EMAIL and plain.body == "Just text"


def test_opening_a_connection_to_the_outbox_opens_nothing_and_attachments_are_refused(settings):
    connection = get_connection(OUTBOX)
    assert connection.open() is None
    message = EmailMessage("Report", "Attached.", to=["a@example.org"], connection=connection)
    message.attach("report.csv", "a,b\n", "text/csv")
    with pytest.raises(ValueError, match="does not carry attachments"):
        message.send()
    assert get_connection(OUTBOX, fail_silently=True).send_messages([message]) == 0
    assert not OutboxEmail.objects.exists()


def test_the_sender_refuses_to_deliver_into_the_outbox_itself(settings):
    settings.EMAIL_BACKEND = settings.PORTAL_MAIL_DELIVERY_BACKEND = OUTBOX
    send_mail("Hello", "Hi", None, ["a@example.org"])
    with pytest.raises(ImproperlyConfigured, match="PORTAL_MAIL_DELIVERY_BACKEND must be a real email backend"):
        send_waiting()


def test_anything_allauth_sends_through_its_adapter_is_queued_not_sent(settings, rf):
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    settings.EMAIL_BACKEND = OUTBOX
    request = rf.get("/accounts/login/code/")
    with context.request_context(request):  # as allauth's middleware sets it for a real request
        get_adapter(request).send_mail("account/email/login_code", "amina@example.org", {"code": "QX7-PL2"})
    assert mail.outbox == []
    row = OutboxEmail.objects.get()
    assert row.to == ["amina@example.org"] and "QX7-PL2" in row.body
    send_waiting()
    [sent] = mail.outbox
    assert sent.subject == row.subject and "QX7-PL2" in sent.body
