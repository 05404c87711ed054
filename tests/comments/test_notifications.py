"""The page author's email about a new comment, when the mail server cannot be reached."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.comments.models import Comment
from portal.mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_a_mail_server_failure_still_saves_the_comment_and_shows_it(
    client, note, member, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_MAIL_DELIVERY_BACKEND = "tests.mail.backends.RefusingBackend"
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("comments:add", args=[note.pk]), {"body": "Saved despite the mail server."})
    comment = Comment.objects.get()
    assert response["Location"] == f"{note.url}#comment-{comment.pk}"
    assert "Saved despite the mail server." in client.get(note.url).content.decode()
    assert mail.outbox == []
    assert OutboxEmail.objects.waiting().get().last_error.startswith("SMTPServerDisconnected")


def test_an_inactive_owner_is_not_emailed(client, note, member, author):
    author.is_active = False
    author.save()
    client.force_login(member)
    client.post(reverse("comments:add", args=[note.pk]), {"body": "Hello"})
    assert Comment.objects.count() == 1
    assert mail.outbox == [] and not OutboxEmail.objects.exists()
