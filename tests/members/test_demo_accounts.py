"""The demo's people: who can sign in where, and what a moderator finds to approve."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client
from freezegun import freeze_time

from portal.core.access import is_member, is_moderator
from portal.members.models import MemberProfile
from tests.demo import demo_loaded_once

pytestmark = [pytest.mark.django_db, pytest.mark.without_two_factor]


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_loaded_once(django_db_blocker, tmp_path_factory, PORTAL_DEMO_ACCOUNTS=True) as printed:
        yield printed


@pytest.fixture
def demo(loaded_once, settings):
    """What load_demo printed, with demo accounts; its content is in the database for this test only."""
    settings.PORTAL_DEMO_ACCOUNTS = True
    return loaded_once


def test_the_printout_lists_what_to_type_to_sign_in(demo):
    assert "type the email address at /accounts/login/ or /admin/" in demo
    for email, password in [
        ("admin@example.org", "demo-admin-pass"),
        ("editor@example.org", "demo-editor-pass"),
        ("carehome@example.org", "demo-carehome-pass"),
        ("newstarter@example.org", "demo-newstarter-pass"),
    ]:
        assert f"  {email}" in demo and password in demo


def demo_totp(username):
    out, err = StringIO(), StringIO()
    call_command("demo_totp", username, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_printout_says_how_to_get_the_staff_accounts_two_factor_codes(demo):
    assert "`python manage.py demo_totp admin` (or editor) prints the current one." in demo


@freeze_time("2026-11-30 10:00:05")
def test_every_demo_login_works_and_staff_give_the_code_demo_totp_prints(demo):
    # One demo load for all four: loading takes seconds, signing in is instant.
    for email, password, asks_for_code, lands_on in [
        ("admin@example.org", "demo-admin-pass", True, "/"),
        ("editor@example.org", "demo-editor-pass", True, "/"),
        ("carehome@example.org", "demo-carehome-pass", False, "/"),
        ("newstarter@example.org", "demo-newstarter-pass", False, "/members/profile/"),
    ]:
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": password})
        if asks_for_code:
            assert response["Location"] == "/accounts/2fa/authenticate/", email
            code, note = demo_totp(email.partition("@")[0])
            assert note.strip() == "Valid for 25 more seconds, and once only."
            response = client.post("/accounts/2fa/authenticate/", {"code": code})
        assert response["Location"] == lands_on, email
        assert "_auth_user_id" in client.session, email


def test_demo_totp_refuses_without_demo_accounts(settings):
    settings.PORTAL_DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="only under development settings"):
        demo_totp("admin")


def test_grace_is_an_approved_care_home_member_who_follows_care_homes(demo):
    grace = MemberProfile.objects.get(user__username="carehome")
    assert grace.status == MemberProfile.Status.APPROVED
    assert grace.organisation.name == "Kersal Brook Care Home"
    assert grace.role == "Registered manager"
    assert [s.slug for s in grace.followed_settings.all()] == ["care-homes"]
    assert grace.followed_domains.filter(slug="past-harm").exists()
    assert is_member(grace.user) and not is_moderator(grace.user)
    assert EmailAddress.objects.get(user=grace.user).verified


@freeze_time("2026-11-30 10:00:05")
def test_a_moderator_signs_in_to_the_admin_by_email_and_finds_someone_waiting(client, demo):
    waiting = MemberProfile.objects.pending().get()
    assert waiting.requested_organisation == "Brookfield House Care Home"
    client.post("/accounts/login/", {"login": "editor@example.org", "password": "demo-editor-pass"})
    response = client.post("/accounts/2fa/authenticate/", {"code": demo_totp("editor")[0]})
    assert response.status_code == 302
    assert "Tomasz Nowak" in client.get("/admin/members/").content.decode()


def test_loading_again_keeps_a_decision_made_in_the_demo(demo):
    waiting = MemberProfile.objects.pending().get()
    waiting.status = MemberProfile.Status.APPROVED
    waiting.save()
    profiles, addresses = MemberProfile.objects.count(), EmailAddress.objects.count()
    load()
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.APPROVED
    assert is_member(waiting.user)
    assert (MemberProfile.objects.count(), EmailAddress.objects.count()) == (profiles, addresses)
    # the care home manager, the new starter and the safety culture facilitator
    assert profiles == 3
