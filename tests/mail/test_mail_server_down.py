"""What members and moderators get when the mail server is down: their change, and the email later.

Each test makes a real change through the site while the mail server fails
(nothing listening on its port, or a server that drops the connection), checks
the change is saved and the person sees success, then brings the server back
and runs ``send_outbox`` as cron would: every email goes exactly once.
"""

from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse

from learning.models import Contribution, LearningNotePage
from portal.comments.models import Comment
from portal.mail.models import OutboxEmail
from portal.members.factories import MemberProfileFactory
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory
from tests.learning.conftest import learning_note_data

pytestmark = pytest.mark.django_db


def send_outbox(*args):
    out = StringIO()
    # call_command keeps the test's database connection (and transaction) open.
    with mock.patch.object(connections, "close_all"):
        call_command("send_outbox", *args, stdout=out)
    return out.getvalue()


def waiting_email():
    (email,) = OutboxEmail.objects.waiting()
    return email


def assert_waiting_with_the_error(email, fault):
    assert email.sent_at is None
    assert email.attempts == 1
    expected = "ConnectionRefusedError" if fault == "closed port" else "SMTPServerDisconnected"
    assert email.last_error.startswith(expected)
    assert email.next_attempt_at > email.last_attempt_at


def test_approving_a_member_is_saved_and_the_email_waits(
    client, moderator, mail_server_down, mail_server_back, django_capture_on_commit_callbacks
):
    waiting = MemberProfileFactory(
        status=MemberProfile.Status.PENDING,
        user__first_name="Tomasz",
        user__email="tomasz@example.org",
    )
    organisation = OrganisationFactory(name="Brookfield House")
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/members/review/{waiting.pk}/approve/", {"organisation": organisation.pk, "confirmed_how": "phoned"}
        )

    assert response.status_code == 302
    assert "is approved" in client.get(response["Location"]).content.decode()
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.APPROVED
    email = waiting_email()
    assert_waiting_with_the_error(email, mail_server_down)
    assert email.to == ["tomasz@example.org"] and mail.outbox == []

    mail_server_back()
    output = send_outbox("--now")
    assert "1 email(s) waiting." in output and "Sent 1 email(s); 0 waiting." in output
    [sent] = mail.outbox
    assert sent.to == ["tomasz@example.org"]
    assert sent.subject == "Your Safety Learning Portal account is ready"
    assert "Dear Tomasz," in sent.body
    assert "Sent 0 email(s); 0 waiting." in send_outbox("--now")
    assert len(mail.outbox) == 1


def test_a_comment_is_posted_and_the_owners_email_waits(
    client, member, learning_index, mail_server_down, mail_server_back, django_capture_on_commit_callbacks
):
    from learning.factories import LearningNotePageFactory
    from portal.members.factories import UserFactory

    owner = UserFactory(first_name="Priya", email="priya.marsh@example.org")
    note = LearningNotePageFactory(parent=learning_index, title="Hydration rounds", owner=owner)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("comments:add", args=[note.pk]), {"body": "Saved while the mail is down."})

    comment = Comment.objects.get()
    assert response["Location"] == f"{note.url}#comment-{comment.pk}"
    page = client.get(note.url).content.decode()
    assert "Your comment has been posted." in page and "Saved while the mail is down." in page
    email = waiting_email()
    assert_waiting_with_the_error(email, mail_server_down)
    assert email.key == f"comment:{comment.pk}:owner:{owner.pk}"

    mail_server_back()
    send_outbox("--now")
    send_outbox("--now")
    [sent] = mail.outbox
    assert sent.to == ["priya.marsh@example.org"]
    assert "Saved while the mail is down." in sent.body


def test_a_member_posts_and_a_moderator_approves_and_the_authors_email_waits(
    client,
    member,
    moderator,
    learning_index,
    peer_visit_index,
    mail_server_down,
    mail_server_back,
    django_capture_on_commit_callbacks,
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/share/learning-note/", learning_note_data(title="Night drinks round"))
    # The post is saved, and Wagtail's own "submitted" email to the moderator waits in the outbox.
    assert response.status_code == 302
    assert "Night drinks round" in client.get(response["Location"]).content.decode()
    page = LearningNotePage.objects.get()
    assert Contribution.objects.get().page_id == page.pk
    assert page.current_workflow_state is not None
    submitted = waiting_email()
    assert_waiting_with_the_error(submitted, mail_server_down)
    assert submitted.to == [moderator.email] and "submitted for approval" in submitted.subject

    task_state = page.current_workflow_state.current_task_state
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": ""}
        )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    email = OutboxEmail.objects.waiting().exclude(pk=submitted.pk).get()
    assert_waiting_with_the_error(email, mail_server_down)
    assert email.to == [member.email]
    assert email.key == f"post-approved:{page.pk}:{task_state.revision_id}:{member.pk}"

    mail_server_back()
    assert "Sent 0 email(s); 2 waiting." in send_outbox()  # both still backing off after their failure
    assert mail.outbox == []
    send_outbox("--now")
    send_outbox("--now")
    assert [sent.to for sent in mail.outbox] == [[moderator.email], [member.email]]
    assert mail.outbox[1].subject == "Published on the Safety Learning Portal: Night drinks round"


def test_send_outbox_says_when_the_server_is_still_down_and_keeps_the_email(mail_server_down):
    OutboxEmail.objects.create(key="test:1", to=["a@example.org"], subject="Hello", body="Hi")
    with pytest.raises(CommandError, match="The mail server did not take an email: .* It will be retried."):
        send_outbox()
    email = waiting_email()
    assert email.attempts == 1 and email.sent_at is None
    assert "1 email(s) waiting." in send_outbox("--list")
    assert "test:1  1 failed attempt(s) - " in send_outbox("--list")
