"""The page author's email about a new comment, when the mail server cannot be reached."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from portal.comments.models import Comment

pytestmark = pytest.mark.django_db


def test_a_mail_server_failure_still_saves_the_comment_and_shows_it(client, note, member):
    client.force_login(member)
    with mock.patch("portal.comments.notifications.send_mail", side_effect=ConnectionRefusedError("down")):
        response = client.post(reverse("comments:add", args=[note.pk]), {"body": "Saved despite the mail server."})
    comment = Comment.objects.get()
    assert response["Location"] == f"{note.url}#comment-{comment.pk}"
    assert "Saved despite the mail server." in client.get(note.url).content.decode()
    assert mail.outbox == []


def test_an_inactive_owner_is_not_emailed(client, note, member, author):
    author.is_active = False
    author.save()
    client.force_login(member)
    client.post(reverse("comments:add", args=[note.pk]), {"body": "Hello"})
    assert Comment.objects.count() == 1
    assert mail.outbox == []
