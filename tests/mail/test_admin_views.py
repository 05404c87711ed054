"""The email outbox in the admin: the programme team sees what is waiting, failing and sent; nobody else does."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.mail.models import OutboxEmail
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("email_outbox:index")


def inspect_url(email):
    return reverse("email_outbox:inspect", args=[email.pk])


@pytest.fixture
def outbox(db):
    now = timezone.now()
    waiting = OutboxEmail.objects.create(
        key="message:1", to=["amina@example.org"], subject="Confirm your email address", body="secret-link-1"
    )
    failed = OutboxEmail.objects.create(
        key="member-approved:2",
        to=["tomasz@example.org"],
        subject="Your account is ready",
        body="secret-link-2",
        attempts=3,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed: timed out",
        last_attempt_at=now,
        next_attempt_at=now + timedelta(minutes=4),
    )
    sent = OutboxEmail.objects.create(
        key="comment:3:owner:4", to=["priya@example.org"], subject="A new comment on your post", sent_at=now, body=""
    )
    return {"waiting": waiting, "failed": failed, "sent": sent}


def test_the_programme_team_finds_the_outbox_and_sees_each_emails_state(client, outbox):
    client.force_login(ModeratorFactory())
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    menu_item = f'"label": "Email outbox", "icon_name": "mail", "classname": "", "attrs": {{}}, "url": "{INDEX}"'
    assert menu_item in dashboard

    html = client.get(INDEX).content.decode()
    for text in (
        "Confirm your email address",
        "amina@example.org",
        "Waiting",
        "Your account is ready",
        "Failed, will retry",
        "SMTPServerDisconnected: Connection unexpectedly closed: timed out",
        "A new comment on your post",
        "Sent",
    ):
        assert text in html, text
    assert "secret-link" not in html


@pytest.mark.parametrize(
    "status, subjects",
    [
        ("waiting", ["Confirm your email address"]),
        ("failed", ["Your account is ready"]),
        ("sent", ["A new comment on your post"]),
    ],
)
def test_the_listing_shows_one_state_at_a_time(client, outbox, status, subjects):
    client.force_login(ModeratorFactory())
    rows = client.get(INDEX, {"status": status}).context["object_list"]
    assert [row.subject for row in rows] == subjects


def test_one_emails_details_show_its_tries_and_error_but_never_its_text(client, outbox):
    client.force_login(ModeratorFactory())
    html = client.get(inspect_url(outbox["failed"])).content.decode()
    for text in ("Your account is ready", "tomasz@example.org", "Failed, will retry", "Failed tries", "timed out"):
        assert text in html, text
    assert "secret-link-2" not in html


@pytest.mark.parametrize(
    "make_user",
    [MemberFactory, PendingMemberFactory, UserFactory, lambda: UserFactory(groups=["Editors"])],
    ids=["member", "pending member", "signed-in non-member", "editor without the outbox permission"],
)
def test_members_and_others_cannot_see_the_outbox(client, outbox, make_user):
    client.force_login(make_user())
    for url in (INDEX, inspect_url(outbox["failed"])):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert "tomasz@example.org" not in html and "Your account is ready" not in html
    dashboard = client.get(reverse("wagtailadmin_home"), follow=True).content.decode()
    assert "Email outbox" not in dashboard


def test_anonymous_visitors_are_sent_to_sign_in(client, outbox):
    for url in (INDEX, inspect_url(outbox["failed"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=/admin/")


def test_a_superuser_sees_it_and_nobody_can_add_change_or_delete_a_row(client, outbox, admin_user):
    client.force_login(admin_user)
    assert "Your account is ready" in client.get(INDEX).content.decode()
    pk = outbox["failed"].pk
    for url in ("/admin/email_outbox/new/", f"/admin/email_outbox/edit/{pk}/", f"/admin/email_outbox/delete/{pk}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"subject": "Changed"}).status_code == 404
    assert OutboxEmail.objects.get(pk=pk).subject == "Your account is ready"
