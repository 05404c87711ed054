"""Failed sign-ins are counted per account and client together, by the client's real address (issue 14, item 3).

A stranger's wrong passwords lock only the stranger out; the real person can
still sign in, or ask for a sign-in code by email, which has a throttle of its
own and still asks the programme team for their two-factor code. The same
rules through the real nginx config are in tests/deploy/test_nginx.py.
"""

import html
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client

from portal.demo.management.commands.demo_totp import current_code
from portal.members.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts to sign in."
AUTHENTICATE = "/accounts/2fa/authenticate/"
STRANGER, ADMIN_AT_WORK = "203.0.113.66", "198.51.100.7"


def sign_in(client, email, password=PASSWORD, **headers):
    return client.post("/accounts/login/", {"login": email, "password": password}, **headers)


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def admin_account():
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, generate_totp_secret())
    return user


def test_a_stranger_cannot_lock_the_admin_out(client, admin_account):
    for _ in range(6):
        sign_in(client, admin_account.email, "guess", REMOTE_ADDR=STRANGER)
    assert LOCKED in text(sign_in(client, admin_account.email, REMOTE_ADDR=STRANGER))

    response = sign_in(client, admin_account.email, REMOTE_ADDR=ADMIN_AT_WORK)
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE


def test_a_forged_forwarded_header_does_not_escape_the_lock(client, admin_account):
    for number in range(6):
        sign_in(client, admin_account.email, "guess", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    refused = sign_in(client, admin_account.email, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert LOCKED in text(refused)


def test_behind_the_trusted_proxy_each_visitor_is_counted_on_their_own(client, settings, admin_account):
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(11):
        sign_in(client, f"nobody{_}@example.org", "guess", HTTP_X_FORWARDED_FOR=STRANGER, **via_proxy)
    # The stranger has used up the 10 a minute from one address ...
    assert LOCKED in text(sign_in(client, admin_account.email, HTTP_X_FORWARDED_FOR=STRANGER, **via_proxy))
    # ... which, counted by the proxy's address, would have locked out everyone behind it.
    member = MemberFactory()
    assert sign_in(client, member.email, HTTP_X_FORWARDED_FOR=ADMIN_AT_WORK, **via_proxy)["Location"] == "/"


def request_code(client, email, **headers):
    return client.post("/accounts/login/code/", {"email": email}, **headers)


def emailed_code(email):
    [message] = [message for message in mail.outbox if email in message.to]
    return re.search(r"Your sign-in code is:\s+(\S+)", message.body).group(1)


def test_a_locked_out_member_signs_in_with_a_code_by_email(client):
    member = MemberFactory()
    for _ in range(6):
        sign_in(client, member.email, "guess")
    locked = text(sign_in(client, member.email))
    assert LOCKED in locked and "ask for a sign-in code by email" in locked
    assert 'href="/accounts/login/code/"' in locked

    page = text(client.get("/accounts/login/code/"))
    assert "Sign in with a code by email" in page and 'for="id_email">Email address</label>' in page
    response = request_code(client, member.email)
    assert response["Location"] == "/accounts/login/code/confirm/"
    confirm = text(client.get("/accounts/login/code/confirm/"))
    assert "Type the code we emailed you" in confirm and 'for="id_code">Sign-in code</label>' in confirm
    wrong = client.post("/accounts/login/code/confirm/", {"code": "AAAAAA"})
    assert "There is a problem" in text(wrong) and "_auth_user_id" not in client.session
    client.post("/accounts/login/code/confirm/", {"code": emailed_code(member.email)})
    assert client.session["_auth_user_id"] == str(member.pk)


def test_the_programme_team_still_needs_two_factor_after_a_code(client, admin_account):
    request_code(client, admin_account.email)
    response = client.post("/accounts/login/code/confirm/", {"code": emailed_code(admin_account.email)})
    assert response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session


def test_codes_are_throttled_per_address(client):
    member = MemberFactory()
    for _ in range(5):
        request_code(client, member.email)
    assert len([message for message in mail.outbox if member.email in message.to]) == 3


TOO_MANY_CODES = "Too many wrong codes. Wait 5 minutes, then type the code your authenticator app shows then."


def sign_in_with_code(client, user, code, address):
    client.logout()
    assert sign_in(client, user.email, REMOTE_ADDR=address)["Location"] == AUTHENTICATE
    return client.post(AUTHENTICATE, {"code": code}, REMOTE_ADDR=address)


@pytest.fixture
def admin_and_secret():
    user = UserFactory(is_superuser=True, is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_someone_with_the_password_cannot_lock_the_admin_out_of_the_code_step(client, admin_and_secret):
    """allauth counted wrong codes per account alone: 5 from anywhere kept the real person out, right code or not."""
    admin, secret = admin_and_secret
    stranger = Client()
    assert sign_in(stranger, admin.email, REMOTE_ADDR=STRANGER)["Location"] == AUTHENTICATE
    for _ in range(5):
        wrong = stranger.post(AUTHENTICATE, {"code": "000000"}, REMOTE_ADDR=STRANGER)
        assert "The code is not right." in text(wrong)
    refused = stranger.post(AUTHENTICATE, {"code": current_code(secret)}, REMOTE_ADDR=STRANGER)
    assert TOO_MANY_CODES in text(refused) and "_auth_user_id" not in stranger.session

    response = sign_in_with_code(client, admin, current_code(secret), ADMIN_AT_WORK)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(admin.pk)


def test_wrong_codes_from_many_clients_reach_a_ceiling_per_account(client, admin_and_secret):
    admin, secret = admin_and_secret
    for number in range(5):
        address = f"203.0.113.{number + 1}"
        for _ in range(5):
            sign_in_with_code(client, admin, "000000", address)
    refused = sign_in_with_code(client, admin, current_code(secret), "198.51.100.50")
    assert TOO_MANY_CODES in text(refused) and "_auth_user_id" not in client.session
