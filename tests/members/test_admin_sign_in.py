"""The admin has no sign-in of its own: everyone uses allauth's, with its throttle and two-factor step."""

import datetime
import html

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from freezegun import freeze_time

from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts to sign in. Wait 5 minutes, then try again, or ask for a sign-in code by email."
AUTHENTICATE = "/accounts/2fa/authenticate/"


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def admin_account():
    """A programme team account with its authenticator app, as every one must have."""
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, generate_totp_secret())
    return user


def test_the_admins_sign_in_pages_send_people_to_the_one_sign_in_page(client):
    assert client.get("/admin/")["Location"] == "/accounts/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/pages/")["Location"] == "/accounts/login/?next=/admin/pages/"
    assert client.get("/django-admin/login/")["Location"] == "/accounts/login/"


def test_the_old_admin_sign_in_form_cannot_be_used_to_get_round_the_throttle(client, admin_account):
    response = client.post("/admin/login/", {"username": admin_account.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    response = client.post("/django-admin/login/", {"username": admin_account.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_sixth_bad_password_for_an_admin_account_is_refused_and_so_is_the_right_one_after_it(client, admin_account):
    for _ in range(5):
        assert LOCKED not in text(sign_in(client, admin_account.email, "guess"))

    sixth = text(sign_in(client, admin_account.email, "guess"))
    assert LOCKED in sixth and "There is a problem" in sixth

    seventh = sign_in(client, admin_account.email)
    assert seventh.status_code == 200 and LOCKED in text(seventh)
    assert "_auth_user_id" not in client.session
    assert not client.session.get("account_login_state") and AUTHENTICATE not in seventh.get("Location", "")


def test_the_lockout_ends_after_five_minutes(client, admin_account):
    with freeze_time("2026-11-30 09:00:00") as clock:
        for _ in range(5):
            sign_in(client, admin_account.email, "guess")
        clock.tick(datetime.timedelta(minutes=4, seconds=50))
        assert LOCKED in text(sign_in(client, admin_account.email))

        clock.tick(datetime.timedelta(seconds=11))
        response = sign_in(client, admin_account.email)

    # The password is accepted; the two-factor step comes next.
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE


def test_a_members_lockout_does_not_lock_the_programme_team_out(client, admin_account):
    member = MemberFactory()
    for _ in range(6):
        sign_in(client, member.email, "guess")
    assert LOCKED in text(sign_in(client, member.email))

    assert sign_in(client, admin_account.email)["Location"] == AUTHENTICATE
    moderator = ModeratorFactory()
    TOTP.activate(moderator, generate_totp_secret())
    client.logout()
    assert sign_in(client, moderator.email)["Location"] == AUTHENTICATE


def test_a_locked_out_admin_account_does_not_lock_out_members(client, admin_account):
    for _ in range(6):
        sign_in(client, admin_account.email, "guess")
    member = MemberFactory()
    assert sign_in(client, member.email)["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_a_right_code_used_a_second_time_is_refused_and_says_to_wait_for_the_next(client):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    secret = generate_totp_secret()
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, secret)
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))

    assert sign_in(client, user.email).status_code == 302
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    client.logout()
    assert sign_in(client, user.email).status_code == 302
    again = client.post(AUTHENTICATE, {"code": code})
    assert again.status_code == 200
    page = text(again)
    assert "That code has already been used. Wait for your authenticator app to show the next one" in page
    assert "The code is not right" not in page

    wrong = client.post(AUTHENTICATE, {"code": f"{(int(code) + 1) % 1000000:06d}"})
    assert "The code is not right" in text(wrong)
