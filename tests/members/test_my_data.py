"""A member's own data: downloading a copy, and deleting their account."""

import html
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from learning.factories import ContributionFactory
from learning.models import Contribution, LearningNotePage
from portal.comments.factories import CommentFactory, CommentReportFactory
from portal.comments.models import Comment, CommentReport
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, PendingMemberFactory
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("learning_index")]

DATA = "/members/profile/data/"
DELETE = "/members/profile/delete/"


def text(response):
    return html.unescape(response.content.decode())


def published_post(member, title, **page_fields):
    contribution = ContributionFactory(author=member, page__title=title, **page_fields)
    page = contribution.page.specific
    page.save_revision(user=member).publish()
    page.refresh_from_db()
    return page


def draft_post(member, title):
    return ContributionFactory(author=member, page__title=title).page.specific


@pytest.fixture
def grace():
    member = MemberFactory(
        user__first_name="Grace",
        user__last_name="Okafor",
        user__username="grace",
        organisation=OrganisationFactory(name="Sunrise Care"),
        role="Registered manager",
        wants_digest=True,
    )
    member.member_profile.followed_settings.add(Setting.objects.order_by("pk").first())
    EmailAddress.objects.create(user=member, email="grace.old@example.org", verified=False, primary=False)
    return member


@pytest.fixture
def other():
    return MemberFactory(user__first_name="Ravi", user__last_name="Shah", organisation=OrganisationFactory(name="Elm"))


def test_signing_in_is_needed_for_both_pages(client):
    assert client.get(DATA)["Location"] == f"/accounts/login/?next={DATA}"
    assert client.get(DELETE)["Location"] == f"/accounts/login/?next={DELETE}"
    assert client.post(DELETE, {"password": PASSWORD})["Location"] == f"/accounts/login/?next={DELETE}"


def test_the_profile_links_to_both(client, grace):
    client.force_login(grace)
    page = text(client.get("/members/profile/"))
    assert f'href="{DATA}">Download your data</a>' in page
    assert f'href="{DELETE}">Delete your account</a>' in page


def test_the_download_holds_the_members_own_data_and_nobody_elses(client, grace, other):
    live = published_post(grace, "Night drinks round")
    draft_post(grace, "Half written")
    published_post(other, "Not mine")
    mine = CommentFactory(page=live, author=grace, body="We tried this too.", is_hidden=True)
    theirs = CommentFactory(page=live, author=other, body="Ravi's secret words")
    CommentReportFactory(comment=theirs, reporter=grace, reason="It names a resident.")
    CommentReportFactory(comment=mine, reporter=other, reason="Ravi's report")
    client.force_login(grace)

    response = client.get(DATA)

    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="safety-learning-portal-my-data-{today}.json"'
    data = json.loads(response.content)
    assert data["account"]["name"] == "Grace Okafor"
    assert data["account"]["username"] == "grace"
    assert data["account"]["email_addresses"] == [
        {"email": "grace@example.org", "verified": True, "primary": True},
        {"email": "grace.old@example.org", "verified": False, "primary": False},
    ]
    assert data["account"]["date_joined"] and data["account"]["last_login"]
    profile = data["profile"]
    assert profile["organisation"] == "Sunrise Care"
    assert profile["role"] == "Registered manager"
    assert profile["status"] == "Approved"
    assert profile["wants_digest"] is True
    assert profile["follows"]["care_settings"] == [Setting.objects.order_by("pk").first().name]
    assert {"requested_organisation", "decided_at", "last_digest_at"} <= profile.keys()
    # Who confirmed their organisation, and how, is about them too (issue 18).
    assert profile["organisation_confirmed_at"]
    assert profile["organisation_confirmed_how"] == "They are known to the programme team at this organisation"
    posts = {post["title"]: post for post in data["posts"]}
    assert set(posts) == {"Night drinks round", "Half written"}
    assert posts["Night drinks round"]["status"] == "Published"
    assert posts["Night drinks round"]["kind"] == "Learning note"
    assert posts["Night drinks round"]["url"].endswith(live.url)
    assert posts["Half written"]["status"] == "Draft" and posts["Half written"]["url"] is None
    assert data["comments"] == [
        {
            "page_title": "Night drinks round",
            "page_url": posts["Night drinks round"]["url"],
            "text": "We tried this too.",
            "created_at": mine.created_at.isoformat(),
            "hidden": True,
        }
    ]
    assert [(r["page_title"], r["reason"]) for r in data["comment_reports"]] == [
        ("Night drinks round", "It names a resident.")
    ]
    body = response.content.decode()
    for elsewhere in ["Ravi", "Not mine", other.email, "Elm"]:
        assert elsewhere not in body


def test_the_download_costs_the_same_with_2_or_20_posts_and_comments(client, grace):
    page = published_post(grace, "First")

    numbers = iter(range(100))

    def add(count):
        for _ in range(count):
            draft_post(grace, f"Draft {next(numbers)}")
            CommentFactory(page=page, author=grace)
            CommentReportFactory(comment=CommentFactory(page=page, author=MemberFactory()), reporter=grace)

    client.force_login(grace)
    add(2)
    client.get(DATA)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as few:
        client.get(DATA)
    add(18)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DATA)
    assert len(json.loads(response.content)["comments"]) == 20
    assert len(few) == len(many)


def test_a_pending_member_can_download_their_data(client):
    pending = PendingMemberFactory(requested_organisation="Willow House", organisation=None)
    client.force_login(pending)
    data = json.loads(client.get(DATA).content)
    assert data["profile"]["status"] == "Waiting for approval"
    assert data["profile"]["requested_organisation"] == "Willow House"
    assert data["posts"] == [] and data["comments"] == []


def test_the_delete_page_says_what_goes_and_what_stays(client, grace):
    client.force_login(grace)
    page = text(client.get(DELETE))
    assert '<h1 class="nhsuk-heading-l">Delete your account</h1>' in page
    for words in ["your email addresses", "never published", "comments you reported", "a former member"]:
        assert words in page
    assert '<label class="nhsuk-label" for="id_password">Your password</label>' in page


def test_a_wrong_password_deletes_nothing_and_says_so_by_the_field(client, grace):
    draft = draft_post(grace, "Half written")
    client.force_login(grace)

    response = client.post(DELETE, {"password": "not-the-password"})

    assert response.status_code == 200
    page = text(response)
    assert page.count("The password is not right") == 2  # the summary and next to the field
    assert 'id="id_password_error"' in page
    assert get_user_model().objects.filter(pk=grace.pk).exists()
    assert Page.objects.filter(pk=draft.pk).exists()
    assert client.get("/members/profile/").status_code == 200


def test_guessing_the_password_on_the_delete_page_is_throttled(client, grace, other):
    """It had no limit: an unattended signed-in browser allowed 26 guesses a minute, and more."""
    client.force_login(grace)
    for _ in range(5):
        assert "The password is not right" in text(client.post(DELETE, {"password": "not-the-password"}))

    refused = client.post(DELETE, {"password": PASSWORD})
    page = text(refused)
    assert refused.status_code == 200 and 'id="id_password_error"' in page
    assert "Too many attempts with the wrong password. Wait 5 minutes, then try again." in page
    assert get_user_model().objects.filter(pk=grace.pk).exists()

    # Counted per account: another member is not held back.
    client.force_login(other)
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert not get_user_model().objects.filter(pk=other.pk).exists()


def test_an_empty_password_is_asked_for_again(client, grace):
    client.force_login(grace)
    response = client.post(DELETE, {})
    assert response.status_code == 200
    assert 'id="id_password_error"' in response.content.decode()
    assert "Enter your password" in text(response)
    assert get_user_model().objects.filter(pk=grace.pk).exists()


def test_deleting_removes_the_person_and_keeps_what_they_published(client, grace, other, caplog):
    sunrise = grace.member_profile.organisation
    live = published_post(grace, "Night drinks round", page__organisation=sunrise)
    draft = draft_post(grace, "Half written")
    comment = CommentFactory(page=live, author=grace, body="We tried this too.", author_organisation_name="")
    CommentReportFactory(comment=CommentFactory(page=live, author=other), reporter=grace)
    client.login(username="grace", password=PASSWORD)
    user_id = grace.pk

    response = client.post(DELETE, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Your account has been deleted." in text(response)
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not MemberProfile.objects.filter(user_id=user_id).exists()
    assert not EmailAddress.objects.filter(email__startswith="grace").exists()
    assert not Contribution.objects.filter(author_id=user_id).exists()
    assert not CommentReport.objects.filter(reporter_id=user_id).exists()
    assert not Page.objects.filter(pk=draft.pk).exists()

    live = LearningNotePage.objects.get(pk=live.pk)
    assert live.live and live.owner is None
    assert live.author_name == "A former member"  # the page names the organisation beside it
    comment.refresh_from_db()
    assert comment.author is None and comment.author_organisation_name == "Sunrise Care"
    assert [r.message for r in caplog.records if r.name == "portal.members.my_data"] == [
        f"User {user_id} deleted their own account"
    ]

    page = text(client.get(live.url))
    assert "A former member, Sunrise Care</dd>" in page
    assert "A former member, Sunrise Care</h3>" in page
    assert "We tried this too." in page
    assert "Grace" not in page and "grace@example.org" not in page
    assert client.get("/members/profile/")["Location"].startswith("/accounts/login/")


def test_a_note_with_changes_waiting_keeps_its_author_name(client, grace):
    live = published_post(grace, "Night drinks round", page__author_name="Grace O")
    live.title = "Night drinks round, revised"
    live.save_revision(user=grace)
    client.force_login(grace)
    client.post(DELETE, {"password": PASSWORD})
    live = LearningNotePage.objects.get(pk=live.pk)
    assert live.live and live.author_name == "Grace O" and live.title == "Night drinks round"


def test_a_pending_member_can_delete_their_account(client):
    pending = PendingMemberFactory()
    client.force_login(pending)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=pending.pk).exists()


def test_the_programme_team_are_sent_to_an_administrator(client):
    moderator = ModeratorFactory()
    client.force_login(moderator)
    assert "ask an administrator" in text(client.get(DELETE))
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=moderator.pk).exists()


def test_a_note_without_an_organisation_names_the_members(client, grace):
    live = published_post(grace, "Night drinks round")
    client.force_login(grace)
    client.post(DELETE, {"password": PASSWORD})
    assert LearningNotePage.objects.get(pk=live.pk).author_name == "A former member of Sunrise Care"


def test_comments_posted_now_keep_the_organisation(client, grace):
    page = published_post(grace, "A note")
    client.force_login(grace)
    client.post(f"/comments/{page.pk}/add/", {"body": "Kept with its organisation."})
    assert Comment.objects.get(body="Kept with its organisation.").author_organisation_name == "Sunrise Care"


def _editor():
    """In Wagtail's Editors group: admin access and page editing, but not a moderator or staff."""
    from django.contrib.auth.models import Group

    from portal.members.factories import UserFactory

    user = UserFactory()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _measure_editor():
    """No group, no admin flag: one model permission (editing measures) is reach beyond a member's."""
    from django.contrib.auth.models import Permission

    user = MemberFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="roadmap", codename="change_measure"))
    return user


def _staff():
    from portal.members.factories import UserFactory

    return UserFactory(is_staff=True)


@pytest.mark.parametrize("make_account", [_editor, _measure_editor, _staff], ids=["editor", "measure editor", "staff"])
def test_no_programme_team_account_can_delete_itself_by_the_form_or_a_forged_post(client, make_account):
    """Issue 14: only Moderators and is_staff were stopped; an editor could delete their own account."""
    account = make_account()
    client.force_login(account)
    page = text(client.get(DELETE))
    assert "You are signed in with a programme team account" in page
    assert "Please ask an administrator to close your account." in page and "<strong>Users</strong>" in page
    assert 'name="password"' not in page and "Delete my account" not in page

    forged = client.post(DELETE, {"password": PASSWORD})
    assert forged.status_code == 200 and "You are signed in with a programme team account" in text(forged)
    assert get_user_model().objects.filter(pk=account.pk, is_active=True).exists()
    assert client.session["_auth_user_id"] == str(account.pk)


@pytest.mark.without_two_factor
def test_a_moderator_without_two_factor_still_cannot_delete_their_account(client):
    """Two-factor holds back a role's reach, never its limits: the account is still the programme team's."""
    moderator = ModeratorFactory()
    client.post("/accounts/login/", {"login": moderator.email, "password": PASSWORD})
    client.post(DELETE, {"password": PASSWORD})
    assert get_user_model().objects.filter(pk=moderator.pk).exists()
