"""One password reset, throttled (issue 14, item 4).

Wagtail's own reset at /admin/password_reset/ sent a reset email every time it
was asked, beside allauth's throttled one; now it only points to allauth's.
"""

import html

import pytest
from django.core import mail

from portal.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_wagtails_reset_page_sends_people_to_the_one_reset_page(client):
    assert client.get("/admin/password_reset/")["Location"] == "/accounts/password/reset/"
    assert client.get("/admin/password_reset/done/")["Location"] == "/accounts/password/reset/"


def test_wagtails_reset_form_sends_no_email_however_often_it_is_posted(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    for _ in range(8):
        response = client.post("/admin/password_reset/", {"email": admin.email})
        assert response.status_code == 302
    assert mail.outbox == []


def test_the_one_reset_page_sends_at_most_five_emails_a_minute_for_one_address(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    answers = [client.post("/accounts/password/reset/", {"email": admin.email}) for _ in range(8)]
    assert len([message for message in mail.outbox if admin.email in message.to]) == 5
    refused = html.unescape(answers[-1].content.decode())
    assert answers[-1].status_code == 429 or "Too many" in refused
