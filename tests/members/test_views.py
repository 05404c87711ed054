"""A member's own profile page."""

import html

import pytest

from portal.members.factories import MemberFactory, ModeratorFactory, PendingMemberFactory
from portal.taxonomy.models import SafetyDomain, Setting
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

PROFILE = "/members/profile/"


def text(response):
    return html.unescape(response.content.decode())


def test_signing_in_is_needed_to_see_a_profile(client):
    response = client.get(PROFILE)
    assert response["Location"] == "/accounts/login/?next=/members/profile/"


def test_the_profile_shows_who_the_member_is_and_where_they_stand(client):
    member = MemberFactory(user__first_name="Grace", user__last_name="Okafor", role="Registered manager")
    client.force_login(member)

    page = text(client.get(PROFILE))

    assert "Grace Okafor" in page
    assert member.email in page
    assert member.member_profile.organisation.name in page
    assert "Registered manager" in page
    assert "Approved" in page
    assert "Waiting for approval" not in page
    assert 'href="/accounts/password/change/"' in page
    assert 'href="/accounts/email/"' in page


def test_a_member_only_ever_sees_their_own_profile(client):
    MemberFactory(user__first_name="Someone", user__last_name="Else")
    me = MemberFactory(user__first_name="Grace", user__last_name="Okafor")
    client.force_login(me)
    page = text(client.get(PROFILE))
    assert "Grace Okafor" in page and "Someone Else" not in page


def test_editing_name_role_follows_and_digest(client):
    member = MemberFactory()
    client.force_login(member)
    care_homes = Setting.objects.get(slug="care-homes")
    pharmacy = Setting.objects.get(slug="community-pharmacy")
    past_harm = SafetyDomain.objects.get(slug="past-harm")

    response = client.post(
        PROFILE,
        {
            "first_name": "Grace",
            "last_name": "Okafor-Reid",
            "role": "Registered manager",
            "followed_settings": [care_homes.pk, pharmacy.pk],
            "followed_domains": [past_harm.pk],
            "wants_digest": "on",
        },
        follow=True,
    )

    page = text(response)
    assert "Your profile has been saved." in page
    assert "Grace Okafor-Reid" in page
    member.refresh_from_db()
    profile = member.member_profile
    assert member.last_name == "Okafor-Reid"
    assert set(profile.followed_settings.all()) == {care_homes, pharmacy}
    assert list(profile.followed_domains.all()) == [past_harm]
    assert profile.wants_digest
    assert f'value="{care_homes.pk}" checked' in page
    assert f'value="{past_harm.pk}" checked' in page


def test_a_blank_name_is_refused_next_to_the_field_and_the_rest_is_kept(client):
    member = MemberFactory()
    client.force_login(member)
    care_homes = Setting.objects.get(slug="care-homes")

    response = client.post(
        PROFILE,
        {"first_name": "", "last_name": "Okafor", "role": "Head of care", "followed_settings": [care_homes.pk]},
    )

    page = text(response)
    assert "There is a problem" in page
    assert 'href="#id_first_name">Enter your first name' in page
    assert '<span class="nhsuk-error-message" id="id_first_name_error">' in page
    assert 'value="Head of care"' in page
    assert f'value="{care_homes.pk}" checked' in page
    member.member_profile.refresh_from_db()
    assert member.member_profile.role != "Head of care"


def test_names_with_markup_are_shown_as_text(client):
    member = MemberFactory(user__first_name='<img src=x onerror="alert(1)">', role="<b>Boss</b>")
    client.force_login(member)
    body = client.get(PROFILE).content.decode()
    assert "<img src=x" not in body and "<b>Boss</b>" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    assert "&lt;b&gt;Boss&lt;/b&gt;" in body


def test_a_pending_member_is_told_they_are_waiting(client):
    client.force_login(PendingMemberFactory())
    page = text(client.get(PROFILE))
    assert "Waiting for approval" in page
    assert "you cannot post learning or comment yet" in page


def test_the_programme_team_without_a_member_profile_see_their_account(client):
    moderator = ModeratorFactory(first_name="Ravi", last_name="Chandran")
    client.force_login(moderator)
    page = text(client.get(PROFILE))
    assert "Ravi Chandran" in page
    assert "programme team account, which has no member profile" in page
    assert "Save changes" not in page


def test_the_profile_costs_the_same_however_much_a_member_follows(client):
    member = MemberFactory()
    profile = member.member_profile
    client.force_login(member)
    profile.followed_settings.set(Setting.objects.all()[:1])
    client.get(PROFILE)
    few = count_queries(client, PROFILE)
    profile.followed_settings.set(Setting.objects.all())
    profile.followed_domains.set(SafetyDomain.objects.all())
    assert count_queries(client, PROFILE) == few
    assert few <= 20


def test_approved_members_find_their_posts_from_the_profile_and_pending_members_do_not(client):
    client.force_login(MemberFactory())
    page = text(client.get(PROFILE))
    assert '<a href="/share/mine/">My contributions</a>' in page
    assert '<a href="/share/">Share learning</a>' in page

    client.force_login(PendingMemberFactory())
    page = text(client.get(PROFILE))
    assert "My contributions" not in page


def test_a_member_whose_organisation_is_confirmed_is_linked_to_its_change_ideas_and_measures(client):
    client.force_login(MemberFactory(organisation__name="Kersal Brook Care Home"))
    page = text(client.get(PROFILE))
    assert "Your organisation's improvement work" in page
    assert "Record where Kersal Brook Care Home is with each change idea" in page
    assert '<a href="/my-organisation/">Change ideas: record your status</a>' in page
    assert '<a href="/my-organisation/measures/">Local measures: your monthly figures</a>' in page


def test_the_programme_team_is_linked_to_every_organisation_s_records(client):
    client.force_login(ModeratorFactory())
    page = text(client.get(PROFILE))
    assert "keep these records for any organisation" in page
    assert '<a href="/my-organisation/">Change ideas: record your status</a>' in page


@pytest.mark.parametrize("factory", [PendingMemberFactory, lambda: MemberFactory(confirmed=False)])
def test_no_records_links_for_a_member_without_a_confirmed_organisation(client, factory):
    client.force_login(factory())
    page = text(client.get(PROFILE))
    assert "improvement work" not in page and "/my-organisation/" not in page
