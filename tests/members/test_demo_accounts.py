"""The demo's people: who can sign in where, and what a moderator finds to approve."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client

from portal.members.access import is_member, is_moderator
from portal.members.models import MemberProfile

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.PORTAL_DEMO_ACCOUNTS = True
    return load()


def test_the_printout_lists_what_to_type_to_sign_in(demo):
    assert "type the email address at /accounts/login/ or /admin/" in demo
    for email, password in [
        ("admin@example.org", "demo-admin-pass"),
        ("editor@example.org", "demo-editor-pass"),
        ("carehome@example.org", "demo-carehome-pass"),
        ("newstarter@example.org", "demo-newstarter-pass"),
    ]:
        assert f"  {email}" in demo and password in demo


def test_every_demo_login_works_on_the_public_site(demo):
    # One demo load for all four: loading takes seconds, signing in is instant.
    for email, password, lands_on in [
        ("admin@example.org", "demo-admin-pass", "/"),
        ("editor@example.org", "demo-editor-pass", "/"),
        ("carehome@example.org", "demo-carehome-pass", "/"),
        ("newstarter@example.org", "demo-newstarter-pass", "/members/profile/"),
    ]:
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": password})
        assert response["Location"] == lands_on, email
        assert "_auth_user_id" in client.session, email


def test_grace_is_an_approved_care_home_member_who_follows_care_homes(demo):
    grace = MemberProfile.objects.get(user__username="carehome")
    assert grace.status == MemberProfile.Status.APPROVED
    assert grace.organisation.name == "Kersal Brook Care Home"
    assert grace.role == "Registered manager"
    assert [s.slug for s in grace.followed_settings.all()] == ["care-homes"]
    assert grace.followed_domains.filter(slug="past-harm").exists()
    assert is_member(grace.user) and not is_moderator(grace.user)
    assert EmailAddress.objects.get(user=grace.user).verified


def test_a_moderator_signs_in_to_the_admin_by_email_and_finds_someone_waiting(client, demo):
    waiting = MemberProfile.objects.pending().get()
    assert waiting.requested_organisation == "Brookfield House Care Home"
    response = client.post("/admin/login/", {"username": "editor@example.org", "password": "demo-editor-pass"})
    assert response.status_code == 302
    assert "Tomasz Nowak" in client.get("/admin/members/").content.decode()


def test_loading_again_keeps_a_decision_made_in_the_demo(demo):
    waiting = MemberProfile.objects.pending().get()
    waiting.status = MemberProfile.Status.APPROVED
    waiting.save()
    load()
    waiting.refresh_from_db()
    assert waiting.status == MemberProfile.Status.APPROVED
    assert is_member(waiting.user)
    assert MemberProfile.objects.count() == 2
    assert EmailAddress.objects.count() == 4
