"""The email outbox itself: one row per event, claimed before sending, sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.comments.models import Comment
from portal.comments.notifications import notify_page_owner
from portal.mail.models import OutboxEmail
from portal.mail.outbox import queue_email
from portal.mail.sending import back_off, claim, send_one, send_waiting
from portal.members.emails import tell_member_of_decision
from portal.members.factories import MemberProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_same_event_twice_queues_one_email(learning_index, member):
    from learning.factories import LearningNotePageFactory

    owner = UserFactory(email="owner@example.org")
    note = LearningNotePageFactory(parent=learning_index, owner=owner)
    comment = Comment.objects.create(page=note, author=member, body="Hello")
    assert notify_page_owner(comment, note) is True
    assert notify_page_owner(comment, note) is True
    profile = MemberProfileFactory(decided_at=timezone.now())
    tell_member_of_decision(profile)
    tell_member_of_decision(profile)
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(
        [f"comment:{comment.pk}:owner:{owner.pk}", f"member-approved:{profile.pk}:{profile.decided_at.isoformat()}"]
    )


def test_an_email_is_queued_with_the_change_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        queue_email("test:1", ["b@example.org", "a@example.org", "", "a@example.org"], "Hello\n  there", "Body")
    assert mail.outbox == [] and len(callbacks) == 1
    email = OutboxEmail.objects.get()
    assert (email.to, email.subject) == (["a@example.org", "b@example.org"], "Hello there")
    callbacks[0]()  # the commit: the immediate task backend sends it at once
    [sent] = mail.outbox
    assert sent.to == ["a@example.org", "b@example.org"]
    assert OutboxEmail.objects.get().sent_at is not None


def test_no_recipients_queues_nothing():
    assert queue_email("test:1", ["", None], "Hello", "Body") is None
    assert not OutboxEmail.objects.exists()


def test_html_and_headers_are_kept():
    queue_email("test:1", ["a@example.org"], "Hello", "Plain", html_body="<p>Rich</p>", headers={"X-Portal": "yes"})
    assert send_waiting().sent == 1
    [sent] = mail.outbox
    assert sent.alternatives[0].content == "<p>Rich</p>" and sent.extra_headers == {"X-Portal": "yes"}


def test_two_senders_never_send_one_email():
    email = queue_email("test:1", ["a@example.org"], "Hello", "Body")
    now = timezone.now()
    assert claim(email, now) is True
    assert claim(email, now) is False  # the second sender finds it taken
    assert send_one(email) is False and mail.outbox == []
    # A sender that died holding the claim gives it up when the claim runs out.
    OutboxEmail.objects.filter(pk=email.pk).update(claimed_until=now - timedelta(seconds=1))
    assert send_one(email) is True
    assert send_one(email) is False
    assert len(mail.outbox) == 1


def test_back_off_doubles_to_at_most_an_hour():
    assert [back_off(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 60, 60, 60]


def test_a_sent_email_is_not_sent_again_by_a_later_run():
    queue_email("test:1", ["a@example.org"], "Hello", "Body")
    assert send_waiting().as_dict() == {"sent": 1, "failed": 0, "errors": []}
    assert send_waiting().as_dict() == {"sent": 0, "failed": 0, "errors": []}
    assert len(mail.outbox) == 1
