"""A signed-in request's user, loaded with their groups, admin access and profile in one query.

Nothing about a person is kept between requests: every change to who they are
shows on their very next request. Each test changes one thing and looks at the
next page as that person sees it (the header's links, the user bar, member-only
pages in a listing).
"""

import html

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.test import Client

from learning.factories import LearningNotePageFactory
from portal.core.access import MEMBERS_GROUP, MODERATORS_GROUP
from portal.core.factories import restrict_to_members
from portal.members import approval
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db

USERBAR = "<wagtail-userbar"


def page(client, url="/learning/"):
    return html.unescape(client.get(url).content.decode())


def signed_in(response_text):
    return "Sign out" in response_text and "Your profile" in response_text


@pytest.fixture
def notes(learning_index, navigation):
    LearningNotePageFactory(parent=learning_index, title="Open note")
    restrict_to_members(LearningNotePageFactory(parent=learning_index, title="Members note"))


def titles(client):
    return sorted(card_titles(client.get("/learning/")))


def test_a_member_s_page_costs_two_queries_more_than_a_visitor_s(notes):
    """The session, then the user with their groups, admin access and profile: nothing else per person."""
    anonymous, member = Client(), Client()
    member.force_login(MemberFactory())  # before anything is kept: a member's organisation is content
    for url in ("/", "/learning/", "/settings/care-homes/", "/domains/past-harm/", "/search/?q=falls"):
        count_queries(anonymous, url), count_queries(member, url)
        assert count_queries(member, url) == count_queries(anonymous, url) + 2, url


def test_signing_out_shows_the_signed_out_page_at_once(client, notes):
    client.force_login(MemberFactory())
    assert signed_in(page(client)) and titles(client) == ["Members note", "Open note"]
    client.post("/accounts/logout/")
    text = page(client)
    assert not signed_in(text) and "Sign in" in text
    assert titles(client) == ["Open note"]


def test_a_deleted_session_is_signed_out_on_its_next_request(client, notes):
    client.force_login(MemberFactory())
    Session.objects.all().delete()
    assert not signed_in(page(client))
    assert titles(client) == ["Open note"]


def test_changing_the_password_signs_out_every_other_session(notes):
    member = MemberFactory()
    here, elsewhere = Client(), Client()
    here.force_login(member)
    elsewhere.force_login(member)
    assert signed_in(page(elsewhere))
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    assert signed_in(page(here))
    assert not signed_in(page(elsewhere))
    assert titles(elsewhere) == ["Open note"]


def test_a_deactivated_user_is_signed_out_on_their_next_request(client, notes):
    member = MemberFactory()
    client.force_login(member)
    assert signed_in(page(client))
    get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert not signed_in(page(client))
    assert titles(client) == ["Open note"]


def test_approval_shows_member_only_pages_and_the_organisation_on_the_next_request(client, notes):
    waiting = PendingMemberFactory()
    client.force_login(waiting)
    assert titles(client) == ["Open note"]
    assert "Your organisation" not in page(client)
    approval.approve(
        waiting.member_profile, ModeratorFactory(), OrganisationFactory(), MemberProfile.ConfirmedHow.PHONED
    )
    assert titles(client) == ["Members note", "Open note"]
    assert "Your organisation" in page(client)


def test_declining_a_member_takes_member_only_pages_away_on_the_next_request(client, notes):
    member = MemberFactory()
    client.force_login(member)
    assert titles(client) == ["Members note", "Open note"]
    approval.decline(member.member_profile, ModeratorFactory())
    assert titles(client) == ["Open note"]
    assert "Your organisation" not in page(client)


def test_leaving_the_members_group_takes_member_only_pages_away_on_the_next_request(client, notes):
    member = MemberFactory()
    client.force_login(member)
    assert titles(client) == ["Members note", "Open note"]
    member.groups.remove(Group.objects.get(name=MEMBERS_GROUP))
    assert titles(client) == ["Open note"]


def test_an_unconfirmed_organisation_loses_its_link_on_the_next_request(client, notes):
    member = MemberFactory()
    client.force_login(member)
    assert "Your organisation" in page(client)
    MemberProfile.objects.filter(user=member).update(organisation=OrganisationFactory())
    assert "Your organisation" not in page(client)


@pytest.mark.parametrize("how", ["their own permission", "a group's permission", "the moderators group"])
def test_gaining_admin_access_shows_the_user_bar_on_the_next_request(client, notes, how):
    editor = UserFactory()
    client.force_login(editor)
    assert USERBAR not in page(client, "/")
    access_admin = Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    if how == "their own permission":
        editor.user_permissions.add(access_admin)
    elif how == "a group's permission":
        reviewers = Group.objects.create(name="Reviewers")
        editor.groups.add(reviewers)
        assert USERBAR not in page(client, "/")  # a group with no permissions yet
        reviewers.permissions.add(access_admin)
    else:
        editor.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    assert USERBAR in page(client, "/")
    editor.user_permissions.clear()
    editor.groups.clear()
    assert USERBAR not in page(client, "/")


def test_no_one_s_standing_reaches_another_person(notes):
    """Two people signed in at once, one after the other in the same process: each sees only their own."""
    member, moderator, visitor = Client(), Client(), Client()
    member.force_login(MemberFactory())
    moderator.force_login(ModeratorFactory())
    for _ in range(2):
        assert USERBAR not in page(member, "/") and "Your organisation" in page(member, "/")
        assert USERBAR in page(moderator, "/") and "Organisations' records" in page(moderator, "/")
        text = page(visitor, "/")
        assert USERBAR not in text and not signed_in(text) and "Your organisation" not in text
        assert titles(visitor) == ["Open note"]
