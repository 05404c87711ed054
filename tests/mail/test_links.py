"""Every email the portal sends links only to the one public address (PORTAL_BASE_URL).

Each test makes one kind of email happen as a person would (signing up,
approving, moderating, commenting, reporting, a digest), reads every link out
of what was sent, text and HTML alike, and checks each starts with the public
address. The requests come in on "testserver" and the Wagtail Site record
says "localhost", so a link built from either fails here.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from learning.factories import LearningNotePageFactory
from learning.models import Contribution, LearningNotePage
from portal.comments.factories import CommentFactory
from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting
from tests.learning.conftest import learning_note_data

pytestmark = pytest.mark.django_db

BASE = "https://learning.example.org"
LINK = re.compile(r"""https?://[^\s<>"')]+""")


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PORTAL_BASE_URL = BASE
    settings.WAGTAILADMIN_BASE_URL = BASE
    # The Site record names a host nobody reads email from, as a fresh install's does.
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run a step and send what it queued (the outbox sends once the change commits)."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


def links_in(message):
    texts = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    return [link.rstrip(".,;") for text in texts for link in LINK.findall(text)]


def assert_every_link_is_public(messages, expected_path=None):
    assert messages, "no email was sent"
    for message in messages:
        links = links_in(message)
        assert links, f"no link in {message.subject!r}"
        wrong = [link for link in links if not link.startswith(BASE + "/")]
        assert not wrong, f"{message.subject!r} links to {wrong}"
    if expected_path is not None:
        assert any(link.startswith(BASE + expected_path) for message in messages for link in links_in(message))


def emails(subject_part):
    return [message for message in mail.outbox if subject_part in message.subject]


# allauth: sign-up, confirmation, password reset --------------------------------


def signup_data(organisation, **changes):
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
    data.update(changes)
    return data


def test_the_email_confirmation_link(client, send_now):
    send_now(lambda: client.post("/accounts/signup/", signup_data(OrganisationFactory())))
    assert_every_link_is_public(emails("Confirm your email address"), "/accounts/confirm-email/")


def test_the_someone_tried_to_sign_up_with_your_address_email(client, send_now):
    organisation = OrganisationFactory()
    MemberFactory(user__email="amina.begum@example.org")
    send_now(lambda: client.post("/accounts/signup/", signup_data(organisation)))
    assert_every_link_is_public(emails("You already have an account"), "/accounts/password/reset/")


def test_the_password_reset_link(client, send_now):
    member = MemberFactory()
    send_now(lambda: client.post("/accounts/password/reset/", {"email": member.email}))
    assert_every_link_is_public(emails("Reset your password"), "/accounts/password/reset/key/")


def test_the_no_such_account_email(client, send_now):
    send_now(lambda: client.post("/accounts/password/reset/", {"email": "nobody@example.org"}))
    assert_every_link_is_public(emails("We could not find an account"), "/accounts/signup/")


# Approval of members ----------------------------------------------------------


def test_the_new_member_email_to_moderators(send_now):
    from allauth.account.signals import email_confirmed

    ModeratorFactory()
    waiting = PendingMemberFactory().member_profile
    address = EmailAddress.objects.get(user=waiting.user)
    send_now(lambda: email_confirmed.send(sender=EmailAddress, request=None, email_address=address))
    assert_every_link_is_public(emails("New member waiting"), f"/admin/members/review/{waiting.pk}/")


def test_the_approval_email_leads_to_signing_in_then_to_sharing(client, send_now):
    moderator = ModeratorFactory()
    waiting = PendingMemberFactory().member_profile
    organisation = OrganisationFactory()
    client.force_login(moderator)
    url = reverse("members_admin:approve", args=[waiting.pk])
    send_now(lambda: client.post(url, {"organisation": organisation.pk, "confirmed_how": "phoned"}))
    [message] = emails("account is ready")
    assert_every_link_is_public([message])
    assert f"{BASE}/accounts/login/?next=%2Fshare%2F" in message.body


def test_the_declined_email(client, send_now):
    client.force_login(ModeratorFactory())
    waiting = PendingMemberFactory().member_profile
    send_now(lambda: client.post(reverse("members_admin:decline", args=[waiting.pk])))
    assert_every_link_is_public(emails("About your Safety Learning Portal account"), "/")


# Posts from the public site: Wagtail's emails to moderators and ours to members --


@pytest.fixture
def submitted(client, learning_index, peer_visit_index, send_now):
    moderator = ModeratorFactory()
    member = MemberFactory()
    client.force_login(member)
    send_now(lambda: client.post("/share/learning-note/", learning_note_data(title="Night drinks round")))
    return LearningNotePage.objects.get(), moderator


def test_wagtails_submitted_for_moderation_email(submitted):
    page, _moderator = submitted
    assert_every_link_is_public(emails("submitted for approval"), f"/admin/pages/{page.pk}/edit/")


def moderate(client, moderator, page, action, send_now, comment=""):
    client.force_login(moderator)
    page = LearningNotePage.objects.get(pk=page.pk)
    task_state = page.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    mail.outbox.clear()
    send_now(lambda: client.post(url, {"comment": comment}))


def test_the_changes_requested_email(client, submitted, send_now):
    page, moderator = submitted
    moderate(client, moderator, page, "reject", send_now, comment="Please add a date.")
    contribution = Contribution.objects.get()
    assert_every_link_is_public(emails("Please make a few changes"), f"/share/mine/{contribution.pk}/edit/")


def test_the_published_email(client, submitted, send_now):
    page, moderator = submitted
    moderate(client, moderator, page, "approve", send_now)
    page.refresh_from_db()
    assert_every_link_is_public(emails("Published on the Safety Learning Portal"), page.url)


# Comments -------------------------------------------------------------------


def test_the_new_comment_email(client, learning_index, send_now):
    owner = MemberFactory()
    page = LearningNotePageFactory(parent=learning_index, owner=owner)
    client.force_login(MemberFactory())
    send_now(lambda: client.post(reverse("comments:add", args=[page.pk]), {"body": "We tried this too."}))
    assert_every_link_is_public(emails("New comment"), f"{page.url}#comment-")


def test_the_comment_reported_email_to_moderators(client, learning_index, send_now):
    ModeratorFactory()
    page = LearningNotePageFactory(parent=learning_index)
    comment = CommentFactory(page=page, author=MemberFactory())
    client.force_login(MemberFactory())
    send_now(lambda: client.post(reverse("comments:report", args=[comment.pk]), {"reason": "Rude"}))
    assert_every_link_is_public(emails("reported"), reverse("member_comments:edit", args=[comment.pk]))


# Digests ----------------------------------------------------------------------


def test_the_digest_and_its_unsubscribe_link(learning_index):
    reader = MemberFactory(wants_digest=True, decided_at=timezone.now() - timedelta(days=30))
    reader.member_profile.followed_settings.set(Setting.objects.filter(slug="care-homes"))
    page = LearningNotePageFactory(
        parent=learning_index,
        settings=["care-homes"],
        first_published_at=timezone.now() - timedelta(days=1),
    )
    call_command("send_digests", stdout=StringIO())
    [digest] = [message for message in mail.outbox if message.to == [reader.email]]
    assert_every_link_is_public([digest], page.url)
    assert digest.extra_headers["List-Unsubscribe"].startswith(f"<{BASE}/")
