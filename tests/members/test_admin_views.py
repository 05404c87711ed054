"""The programme team approves or declines new members in the Wagtail admin."""

import datetime
import html

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.core.access import MEMBERS_GROUP, organisation_of
from portal.mail.models import OutboxEmail
from portal.members.factories import (
    MemberFactory,
    MemberProfileFactory,
    ModeratorFactory,
    PendingMemberFactory,
    UserFactory,
)
from portal.members.models import MemberProfile
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Organisation, Setting
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

LISTING = "/admin/members/"


def review(profile):
    return f"/admin/members/review/{profile.pk}/"


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def moderator(client):
    user = ModeratorFactory(first_name="Ravi", last_name="Chandran")
    client.force_login(user)
    return user


@pytest.fixture
def waiting():
    """Someone who asked for an organisation that is not in the list yet."""
    return MemberProfileFactory(
        status=MemberProfile.Status.PENDING,
        organisation=None,
        requested_organisation="Brookfield House Care Home",
        role="Deputy manager",
        user__first_name="Tomasz",
        user__last_name="Nowak",
        user__email="tomasz@example.org",
    )


def test_moderators_see_members_in_the_admin_menu_with_those_waiting_first(client, moderator, waiting):
    now = timezone.now()
    approved = MemberProfileFactory(user__first_name="Grace", user__last_name="Okafor", created_at=now)
    older_waiting = MemberProfileFactory(
        status=MemberProfile.Status.PENDING,
        user__first_name="Amina",
        user__last_name="Begum",
        created_at=now - datetime.timedelta(days=3),
    )

    assert '"label": "Members", "icon_name": "group", "classname": "", "attrs": {}, "url": "/admin/members/"' in text(
        client.get("/admin/")
    )
    page = text(client.get(LISTING))

    order = [page.index(name) for name in ("Amina Begum", "Tomasz Nowak", "Grace Okafor")]
    assert order == sorted(order)
    assert "tomasz@example.org" in page
    assert "Brookfield House Care Home (asked to be added)" in page
    assert "Deputy manager" in page
    assert approved.organisation.name in page
    assert older_waiting.get_status_display() in page
    assert f'href="{review(waiting)}"' in page


def test_the_listing_can_show_only_one_status(client, moderator, waiting):
    MemberProfileFactory(user__first_name="Grace", user__last_name="Okafor")
    page = text(client.get(LISTING, {"status": "pending"}))
    assert "Tomasz Nowak" in page and "Grace Okafor" not in page


def test_moderators_can_find_a_member_by_name_email_or_organisation(client, moderator, waiting):
    MemberProfileFactory(user__first_name="Grace", user__last_name="Okafor")
    for query in ("nowak", "tomasz@example", "brookfield"):
        page = text(client.get(LISTING, {"q": query}))
        assert "Tomasz Nowak" in page and "Grace Okafor" not in page, query


def test_the_members_menu_is_not_offered_to_admin_users_who_are_not_moderators(client):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert '"url": "/admin/members/"' not in text(client.get("/admin/"))
    assert client.get(LISTING).status_code in (302, 403)


@pytest.mark.parametrize("who", ["anonymous", "member", "pending", "plain user"])
def test_nobody_but_moderators_can_see_or_decide(who, waiting):
    client = Client()
    if who != "anonymous":
        client.force_login({"member": MemberFactory, "pending": PendingMemberFactory, "plain user": UserFactory}[who]())
    organisation = OrganisationFactory()
    for url in (LISTING, review(waiting), f"/admin/members/edit/{waiting.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "Tomasz Nowak" not in response.content.decode()
    client.post(review(waiting) + "approve/", {"organisation": organisation.pk})
    client.post(review(waiting) + "decline/")

    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.PENDING
    assert not mail.outbox and not OutboxEmail.objects.exists()


def test_a_superuser_can_review_without_being_a_moderator(client, waiting):
    client.force_login(UserFactory(is_superuser=True))
    assert "Tomasz Nowak" in text(client.get(review(waiting)))


def test_the_review_page_shows_the_details_and_offers_the_requested_name(client, moderator, waiting):
    page = text(client.get(review(waiting)))
    assert "tomasz@example.org" in page
    assert "Deputy manager" in page
    assert 'value="Brookfield House Care Home"' in page
    assert "Approve" in page and "Decline" in page


def test_approving_with_an_organisation_from_the_list(client, moderator, waiting, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Brookfield House")

    with django_capture_on_commit_callbacks(execute=True):  # the email goes once the decision is saved
        response = client.post(
            review(waiting) + "approve/", {"organisation": organisation.pk, "confirmed_how": "phoned"}
        )

    assert response["Location"] == LISTING
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.APPROVED
    assert waiting.organisation == organisation
    assert waiting.decided_by == moderator and waiting.decided_at is not None
    assert waiting.user.groups.filter(name=MEMBERS_GROUP).exists()

    [email] = mail.outbox
    assert email.to == ["tomasz@example.org"]
    assert email.subject == "Your Safety Learning Portal account is ready"
    assert "Dear Tomasz," in email.body
    assert "approved your account" in email.body
    assert "http://127.0.0.1:8000/" in email.body

    entry = ModelLogEntry.objects.get(action="members.approve")
    assert entry.user == moderator and entry.object_id == str(waiting.pk)
    history = text(client.get(f"/admin/members/history/{waiting.pk}/"))
    assert "Approved as a member of Brookfield House" in history
    assert "Approve member" in text(client.get("/admin/reports/site-history/"))


def test_approving_records_who_confirmed_the_organisation_when_and_how(client, moderator, waiting):
    organisation = OrganisationFactory(name="Brookfield House")
    page = text(client.get(review(waiting)))
    assert "How did you confirm they work there?" in page
    assert "I phoned the organisation and they confirmed it" in page
    assert "Approved before confirmation was recorded" not in page  # only the data migration says that

    client.post(review(waiting) + "approve/", {"organisation": organisation.pk, "confirmed_how": "email-domain"})

    waiting.refresh_from_db()
    assert waiting.organisation_confirmed_for == organisation
    assert waiting.organisation_confirmed_by == moderator
    assert waiting.organisation_confirmed_at == waiting.decided_at
    assert waiting.organisation_confirmed_how == MemberProfile.ConfirmedHow.EMAIL_DOMAIN
    assert organisation_of(waiting.user) == organisation
    page = text(client.get(review(waiting)))
    assert "Organisation confirmed" in page
    assert "by Ravi Chandran" in page and "work email address is at the organisation's own domain" in page
    assert "confirmed by phone" not in page
    entry = ModelLogEntry.objects.get(action="members.approve")
    assert entry.data["confirmed_how"].startswith("Their work email address")


def test_approving_can_add_the_organisation_they_asked_for(client, moderator, waiting):
    care_homes = Setting.objects.get(slug="care-homes")
    client.post(
        review(waiting) + "approve/",
        {
            "new_organisation_name": "Brookfield House Care Home",
            "new_organisation_setting": care_homes.pk,
            "confirmed_how": "known",
        },
    )
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.APPROVED
    assert waiting.organisation == Organisation.objects.get(name="Brookfield House Care Home", setting=care_homes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the member's organisation, or add a new one below."),
        ({"organisation": "ORG"}, "Say how you confirmed that they work at this organisation."),
        ({"organisation": "ORG", "confirmed_how": "before-recording"}, "Select a valid choice"),
        ({"new_organisation_name": "Brookfield"}, "Choose the care setting of the new organisation."),
        ({"organisation": "ORG", "new_organisation_name": "Brookfield"}, "not both"),
        ({"new_organisation_name": "kersal brook", "new_organisation_setting": "SETTING"}, "already in the list"),
    ],
)
def test_an_approval_that_does_not_add_up_is_refused_with_a_reason(client, moderator, waiting, data, message):
    organisation = OrganisationFactory(name="Kersal Brook")
    setting = Setting.objects.first()
    data = {key: {"ORG": organisation.pk, "SETTING": setting.pk}.get(value, value) for key, value in data.items()}

    response = client.post(review(waiting) + "approve/", data)

    assert response.status_code == 200
    assert message in text(response)
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.PENDING
    assert not waiting.user.groups.exists()
    assert not mail.outbox and not OutboxEmail.objects.exists()
    assert Organisation.objects.count() == 1


def test_declining(client, moderator, waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review(waiting) + "decline/")

    assert response["Location"] == LISTING
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.DECLINED
    assert waiting.decided_by == moderator
    assert not waiting.user.groups.filter(name=MEMBERS_GROUP).exists()
    [email] = mail.outbox
    assert email.to == ["tomasz@example.org"]
    assert email.subject == "About your Safety Learning Portal account"
    assert "not been able to approve your account" in email.body
    assert "http://127.0.0.1:8000/" in email.body
    assert ModelLogEntry.objects.filter(action="members.decline", user=moderator).count() == 1
    assert "Declined as a member" in text(client.get(f"/admin/members/history/{waiting.pk}/"))


def test_declining_an_approved_member_takes_them_out_of_the_members_group(client, moderator):
    member = MemberFactory()
    client.post(review(member.member_profile) + "decline/")
    assert not member.groups.filter(name=MEMBERS_GROUP).exists()
    assert Group.objects.get(name=MEMBERS_GROUP)


def test_decisions_are_posts_protected_from_cross_site_requests(moderator, waiting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.get(review(waiting) + "decline/").status_code == 405
    assert client.post(review(waiting) + "decline/").status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.PENDING


def test_the_listing_costs_the_same_for_5_members_as_for_40(client, moderator):
    for _ in range(5):
        MemberProfileFactory(status=MemberProfile.Status.PENDING, organisation=None, requested_organisation="A home")
    client.get(LISTING)
    few = count_queries(client, LISTING)
    for _ in range(35):
        MemberProfileFactory()
    assert count_queries(client, LISTING) == few


def test_moderators_can_correct_a_members_organisation_and_role(client, moderator):
    member = MemberFactory()
    profile = member.member_profile
    other = OrganisationFactory(name="Monton Mews Nursing Home")
    page = text(client.get(f"/admin/members/edit/{profile.pk}/"))
    assert "The organisation this member works for." in page
    client.post(f"/admin/members/edit/{profile.pk}/", {"organisation": other.pk, "role": "Head of care"})
    profile.refresh_from_db()
    assert (profile.organisation, profile.role) == (other, "Head of care")
    assert profile.status == MemberProfile.Status.APPROVED
    # The new organisation has not been confirmed: the member keeps no one's records until it is.
    assert organisation_of(member) is None
    assert "not been confirmed" in text(client.get(review(profile)))
    client.post(review(profile) + "approve/", {"organisation": other.pk, "confirmed_how": "phoned"})
    profile.refresh_from_db()
    assert organisation_of(member) == other


# The dashboard panel ------------------------------------------------------------


def dashboard_panel(client, panel_id):
    html = text(client.get("/admin/"))
    start = html.find(f'id="{panel_id}')
    return None if start == -1 else html[start : html.find("</section>", start)]


def test_the_dashboard_counts_members_waiting_and_links_to_them(client, moderator, waiting):
    PendingMemberFactory()
    MemberFactory()  # approved: not waiting
    panel = dashboard_panel(client, "members-waiting")
    assert "Members waiting for approval" in panel
    assert "2 members waiting for approval" in panel
    assert 'href="/admin/members/?status=pending"' in panel
    assert f'href="{review(waiting)}"' in panel


def test_only_those_who_may_approve_members_see_the_waiting_panel(client, waiting):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert dashboard_panel(client, "members-waiting") is None
