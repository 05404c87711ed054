"""Signing in: confirmed email first, then each person lands where they stand."""

import html

import pytest
from allauth.account.models import EmailAddress

from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, PendingMemberFactory, UserFactory
from portal.members.models import MemberProfile

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, email, password=PASSWORD, follow=False):
    return client.post(LOGIN, {"login": email, "password": password}, follow=follow)


def signed_in(client):
    return "_auth_user_id" in client.session


def text(response):
    return html.unescape(response.content.decode())


def test_someone_who_has_not_confirmed_their_email_cannot_sign_in(client):
    user = PendingMemberFactory(user__verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = sign_in(client, user.email)

    assert not signed_in(client)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "Confirm your email address" in text(client.get(response["Location"]))


def test_a_member_waiting_for_approval_signs_in_and_is_told_they_are_waiting(client):
    user = PendingMemberFactory()

    response = sign_in(client, user.email, follow=True)

    assert signed_in(client)
    assert response.redirect_chain[-1][0] == "/members/profile/"
    page = text(response)
    assert "Waiting for approval" in page
    assert "you cannot post learning or comment yet" in page


def test_a_declined_member_is_told_so(client):
    user = PendingMemberFactory()
    MemberProfile.objects.filter(user=user).update(status=MemberProfile.Status.DECLINED)

    page = text(sign_in(client, user.email, follow=True))

    assert "Your account was not approved" in page
    assert "Waiting for approval" not in page


def test_an_approved_member_goes_where_they_were_heading(client):
    user = MemberFactory()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD, "next": "/search/"})
    assert signed_in(client)
    assert response["Location"] == "/search/"


def test_moderators_without_a_member_profile_sign_in_to_the_home_page(client):
    moderator = ModeratorFactory()
    assert sign_in(client, moderator.email)["Location"] == "/"


def test_a_wrong_password_is_explained_and_the_email_address_kept(client):
    user = MemberFactory()
    response = sign_in(client, user.email, password="not-the-password")

    page = text(response)
    assert not signed_in(client)
    assert "There is a problem" in page
    assert "The email address or password is not right. Check them and try again." in page
    assert f'value="{user.email}"' in page


def test_the_username_cannot_be_used_to_sign_in_on_the_public_site(client):
    user = MemberFactory()
    sign_in(client, user.username)
    assert not signed_in(client)


def test_after_five_failed_attempts_even_the_right_password_is_refused_for_a_while(client):
    user = UserFactory()
    for _ in range(5):
        page = text(sign_in(client, user.email, password="guess"))
        assert "Too many failed attempts" not in page

    page = text(sign_in(client, user.email))

    assert not signed_in(client)
    assert "Too many failed attempts to sign in. Wait 5 minutes, then try again, or ask for a sign-in code" in page


def test_failed_attempts_on_one_address_do_not_lock_out_another(client):
    target, other = UserFactory(), UserFactory()
    for _ in range(5):
        sign_in(client, target.email, password="guess")
    sign_in(client, other.email)
    assert signed_in(client)
