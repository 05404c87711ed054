"""No request waits for the mail server: every email goes into the outbox, and a worker sends it.

The portal runs with production's email and task settings (read from
``portal.settings.production`` in a fresh interpreter), and ``EMAIL_HOST`` is
a mail server on loopback that accepts connections and never answers, as a
hung one does. Each person's action must finish without opening a single
connection to it: the test counts connections, it does not time anything.
Then the server answers, the queued tasks run as the worker runs them, and
every email arrives once.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from learning.models import LearningNotePage
from portal.mail.models import OutboxEmail
from portal.members.factories import MemberFactory, MemberProfileFactory
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory
from tests.learning.conftest import learning_note_data
from tests.mail.conftest import run_queued_tasks

pytestmark = pytest.mark.django_db


def waiting_subjects():
    return sorted(OutboxEmail.objects.waiting().values_list("subject", flat=True))


def deliver(server, expected):
    """The mail server comes back; the worker runs; ``expected`` messages arrive and nothing is left waiting."""
    server.answer()
    run_queued_tasks()
    messages = server.wait_for_messages(expected, timeout=30)
    assert len(messages) == expected
    assert not OutboxEmail.objects.waiting().exists()
    return messages


def test_signing_up_opens_no_connection_and_the_confirmation_goes_out_later(
    client, production_mail, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Kersal Brook Care Home")
    data = {
        "first_name": "Amina",
        "last_name": "Begum",
        "email": "amina.begum@example.org",
        "password1": "a-kettle-on-the-hob",
        "password2": "a-kettle-on-the-hob",
        "organisation": str(organisation.pk),
        "requested_organisation": "",
        "role": "Deputy manager",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", data)

    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert production_mail.connections == 0
    assert waiting_subjects() == ["Safety Learning Portal: Confirm your email address"]

    [sent] = deliver(production_mail, 1)
    assert sent.rcpt_to == ["amina.begum@example.org"]
    assert sent.subject == "Safety Learning Portal: Confirm your email address"
    link = re.search(re.escape(settings.PORTAL_BASE_URL) + r"(/accounts/confirm-email/\S+)", sent.text).group(1)
    assert "Confirm your email address" in client.get(link).content.decode()


def test_asking_for_a_password_reset_opens_no_connection_and_the_link_goes_out_later(
    client, production_mail, django_capture_on_commit_callbacks
):
    member = MemberFactory(user__email="grace.okafor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": member.email}, follow=True)

    assert "Check your email" in response.content.decode()
    assert production_mail.connections == 0
    assert waiting_subjects() == ["Safety Learning Portal: Reset your password"]

    [sent] = deliver(production_mail, 1)
    assert sent.rcpt_to == ["grace.okafor@example.org"]
    link = re.search(re.escape(settings.PORTAL_BASE_URL) + r"(/accounts/password/reset/key/\S+)", sent.text).group(1)
    assert "Choose a new password" in client.get(link, follow=True).content.decode()


def post_a_learning_note(client, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/share/learning-note/", learning_note_data(title="Night drinks round"))
    assert response.status_code == 302
    return LearningNotePage.objects.get()


def test_posting_for_review_opens_no_connection_and_wagtail_tells_the_moderators_later(
    client, member, moderator, learning_index, peer_visit_index, production_mail, django_capture_on_commit_callbacks
):
    page = post_a_learning_note(client, member, django_capture_on_commit_callbacks)

    assert "Night drinks round" in client.get("/share/mine/").content.decode()
    assert production_mail.connections == 0
    [subject] = waiting_subjects()  # Wagtail's own "submitted for approval", to the one moderator
    assert "Night drinks round" in subject and "submitted for approval" in subject

    [sent] = deliver(production_mail, 1)
    assert sent.rcpt_to == [moderator.email]
    assert f"/admin/pages/{page.pk}/edit/" in sent.text
    assert sent.message["Auto-Submitted"] == "auto-generated"


def test_approving_a_member_opens_no_connection_and_the_welcome_goes_out_later(
    client, moderator, production_mail, django_capture_on_commit_callbacks
):
    waiting = MemberProfileFactory(
        status=MemberProfile.Status.PENDING, user__first_name="Tomasz", user__email="tomasz@example.org"
    )
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/members/review/{waiting.pk}/approve/",
            {"organisation": OrganisationFactory().pk, "confirmed_how": "phoned"},
        )

    assert "is approved" in client.get(response["Location"]).content.decode()
    assert production_mail.connections == 0
    assert waiting_subjects() == ["Your Safety Learning Portal account is ready"]

    [sent] = deliver(production_mail, 1)
    assert sent.rcpt_to == ["tomasz@example.org"] and "Dear Tomasz," in sent.text


@pytest.mark.parametrize(
    "action, subject",
    [
        ("reject", "Please make a few changes: Night drinks round"),
        ("approve", "Published on the Safety Learning Portal: Night drinks round"),
    ],
    ids=["requesting changes", "publishing"],
)
def test_a_moderators_decision_on_a_post_opens_no_connection_and_the_author_hears_later(
    client,
    member,
    moderator,
    learning_index,
    peer_visit_index,
    production_mail,
    django_capture_on_commit_callbacks,
    action,
    subject,
):
    page = post_a_learning_note(client, member, django_capture_on_commit_callbacks)
    deliver(production_mail, 1)  # Wagtail's email to the moderator, as above

    task_state = page.current_workflow_state.current_task_state
    client.force_login(moderator)
    connections_before = production_mail.connections
    production_mail.answering = False  # the mail server hangs again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]),
            {"comment": "Say which corridor first."},
        )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live is (action == "approve")
    assert production_mail.connections == connections_before
    assert waiting_subjects() == [subject]

    sent = deliver(production_mail, 2)[-1]
    assert sent.rcpt_to == [member.email] and sent.subject == subject
