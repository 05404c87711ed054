"""A mail server that never answers costs the sender EMAIL_TIMEOUT seconds and a recorded failure, not a hang."""

import pytest

from portal.mail.models import OutboxEmail
from portal.mail.outbox import queue_email
from portal.mail.sending import send_waiting
from tests.mail.conftest import production_settings_for_mail


def test_production_bounds_the_wait_for_the_mail_server_and_the_environment_can_change_it(
    production_mail_settings,
):
    assert production_mail_settings["EMAIL_TIMEOUT"] == 10
    assert production_settings_for_mail(EMAIL_TIMEOUT="3")["EMAIL_TIMEOUT"] == 3


@pytest.mark.django_db
def test_a_sender_facing_a_server_that_never_answers_gives_up_and_keeps_the_email(production_mail, settings):
    # Production's setting for EMAIL_TIMEOUT=0.5, so the test does not sit through the default.
    settings.EMAIL_TIMEOUT = production_settings_for_mail(EMAIL_TIMEOUT="0.5")["EMAIL_TIMEOUT"]
    queue_email("test:1", ["a@example.org"], "Hello", "Body")

    report = send_waiting()

    assert report.failed == 1 and production_mail.connections == 1
    email = OutboxEmail.objects.get()
    assert email.sent_at is None and email.attempts == 1
    # smtplib reports the timeout as a dropped connection, "timed out".
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
    assert email.status == "Failed, will retry"
