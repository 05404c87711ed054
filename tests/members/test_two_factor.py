"""Two-factor authentication: required before the programme team may use the admin, a choice for members."""

import html
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from portal.core.frontend import FRONTEND_SUPPORTED_SCRIPT
from portal.demo.management.commands.demo_totp import current_code
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.without_two_factor]

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
NOW = "2026-11-30 10:00:05"


def text(response):
    return html.unescape(response.content.decode())


def sign_in(client, user, password=PASSWORD):
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def with_app(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def code_field_error(page):
    match = re.search(r'<span class="nhsuk-error-message" id="id_code_error">(.*?)</span>\s*<input', page, re.S)
    return match and re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def frozen():
    """Time stands still (and before the sign-in, when asked for first), so a code stays current."""
    with freeze_time(NOW) as frozen_time:
        yield frozen_time


def confirm_password(client, password=PASSWORD):
    """allauth asks for the password again before two-factor is set up or changed."""
    return client.post("/accounts/reauthenticate/", {"password": password})


@pytest.fixture
def moderator(client):
    user = ModeratorFactory()
    assert sign_in(client, user)["Location"] == "/"
    confirm_password(client)
    return user


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/members/", "/django-admin/"])
def test_the_programme_team_without_two_factor_is_sent_to_set_it_up_from_any_admin_page(client, moderator, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE + "?for=admin"


def test_a_superuser_without_two_factor_is_sent_to_set_it_up_too(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get("/admin/")["Location"] == ACTIVATE + "?for=admin"


def test_setting_up_asks_for_the_password_again_first(client):
    moderator = ModeratorFactory()
    sign_in(client, moderator)

    response = client.get(ACTIVATE + "?for=admin")

    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F%3Ffor%3Dadmin"
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": ACTIVATE + "?for=admin"})
    assert response["Location"] == ACTIVATE + "?for=admin"
    assert client.get(response["Location"]).status_code == 200


def test_the_set_up_page_says_why_and_shows_a_qr_code_the_policy_allows(client, moderator):
    response = client.get(ACTIVATE + "?for=admin")
    page = text(response)
    assert '<h1 class="nhsuk-heading-l">Set up two-factor authentication</h1>' in page
    assert "The programme team must use two-factor authentication to open the admin." in page
    assert re.search(r'<img class="portal-qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', page)
    secret = re.search(r'<code class="portal-secret" id="authenticator_secret">([A-Z2-7]+)</code>', page).group(1)
    assert len(secret) == 32
    assert "img-src 'self' data:" in response["Content-Security-Policy"]
    # No inline style or script of its own: the only inline script is the design system's, allowed by its hash.
    assert "style=" not in page
    assert re.findall(r"<script>(.*?)</script>", page, flags=re.S) == [FRONTEND_SUPPORTED_SCRIPT]


def test_signing_out_still_works_before_two_factor_is_set_up(client, moderator):
    response = client.post("/admin/logout/")
    assert response.status_code == 302 and "2fa" not in response["Location"]
    assert not signed_in(client)


def setup_secret(client):
    page = text(client.get(ACTIVATE + "?for=admin"))
    return re.search(r'id="authenticator_secret">([A-Z2-7]+)<', page).group(1)


def test_after_setting_up_the_app_the_moderator_gets_recovery_codes_and_the_admin(frozen, client, moderator):
    secret = setup_secret(client)

    response = client.post(ACTIVATE + "?for=admin", {"code": current_code(secret)})

    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    codes_page = text(client.get(response["Location"]))
    assert "Your recovery codes" in codes_page
    assert len(re.findall(r"<li><code>\w+</code></li>", codes_page)) == 10
    assert 'href="/admin/">Continue to the admin</a>' in codes_page
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200 and "Dashboard" in text(dashboard)


def test_a_wrong_code_is_explained_next_to_the_box_and_what_was_typed_is_kept(frozen, client, moderator):
    secret = setup_secret(client)
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"

    page = text(client.post(ACTIVATE + "?for=admin", {"code": wrong}))

    assert (
        code_field_error(page) == "Error: The code is not right. Type the 6 numbers your authenticator app shows now."
    )
    assert f'value="{wrong}"' in page
    assert "There is a problem" in page
    assert not Authenticator.objects.filter(user=moderator).exists()
    assert client.get("/admin/")["Location"] == ACTIVATE + "?for=admin"


def test_an_empty_code_is_explained_next_to_the_box(client, moderator):
    setup_secret(client)
    page = text(client.post(ACTIVATE + "?for=admin", {"code": ""}))
    assert code_field_error(page) == "Error: Type the 6 numbers your authenticator app shows"


@freeze_time(NOW)
def test_once_set_up_signing_in_asks_for_the_code_before_the_admin_opens(client):
    moderator = ModeratorFactory()
    secret = with_app(moderator)

    response = sign_in(client, moderator)

    assert response["Location"] == AUTHENTICATE
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")
    page = text(client.get(AUTHENTICATE))
    assert "Type your code" in page and 'autocomplete="one-time-code"' in page

    response = client.post(AUTHENTICATE, {"code": current_code(secret)})

    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


@freeze_time(NOW)
def test_a_wrong_code_at_sign_in_is_refused_next_to_the_box(client):
    moderator = ModeratorFactory()
    secret = with_app(moderator)
    sign_in(client, moderator)
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"

    page = text(client.post(AUTHENTICATE, {"code": wrong}))

    assert (
        code_field_error(page) == "Error: The code is not right. Type the 6 numbers your authenticator app shows now."
    )
    assert not signed_in(client)


@freeze_time(NOW)
def test_the_same_code_cannot_be_used_twice(client):
    moderator = ModeratorFactory()
    secret = with_app(moderator)
    sign_in(client, moderator)
    client.post(AUTHENTICATE, {"code": current_code(secret)})
    client.logout()

    sign_in(client, moderator)
    page = text(client.post(AUTHENTICATE, {"code": current_code(secret)}))

    assert not signed_in(client)
    assert "That code has already been used. Wait for your authenticator app to show the next one" in page


def test_a_recovery_code_signs_in_once(client):
    moderator = ModeratorFactory()
    with_app(moderator)
    [first, *_] = RecoveryCodes.activate(moderator).get_unused_codes()

    sign_in(client, moderator)
    client.post(AUTHENTICATE, {"code": first})
    assert signed_in(client)
    client.logout()

    sign_in(client, moderator)
    page = text(client.post(AUTHENTICATE, {"code": first}))
    assert not signed_in(client)
    assert "The code is not right" in page


def test_a_member_is_not_made_to_set_up_two_factor_but_may_choose_to(client):
    member = MemberFactory()

    assert sign_in(client, member)["Location"] == "/"
    assert signed_in(client)
    confirm_password(client)
    assert 'href="/accounts/2fa/">Two-factor authentication</a>' in text(client.get("/members/profile/"))
    index = text(client.get("/accounts/2fa/"))
    assert "Two-factor authentication is off." in index
    page = text(client.get(ACTIVATE))
    assert "Set up two-factor authentication" in page
    assert "The programme team must use" not in page


@freeze_time(NOW)
def test_a_member_who_chose_two_factor_is_asked_for_the_code_and_may_turn_it_off(client):
    member = MemberFactory()
    secret = with_app(member)
    sign_in(client, member)
    client.post(AUTHENTICATE, {"code": current_code(secret)})
    assert signed_in(client)
    confirm_password(client)

    client.post("/accounts/2fa/totp/deactivate/")

    assert not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()


@freeze_time(NOW)
def test_the_programme_team_cannot_turn_two_factor_off(client):
    moderator = ModeratorFactory()
    secret = with_app(moderator)
    sign_in(client, moderator)
    client.post(AUTHENTICATE, {"code": current_code(secret)})
    confirm_password(client)

    page = text(client.post("/accounts/2fa/totp/deactivate/"))

    assert "You cannot turn off two-factor authentication: the programme team needs it to use the admin." in page
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()


def test_members_never_reach_the_admin_whatever_their_two_factor(client):
    member = MemberFactory()
    sign_in(client, member)
    response = client.get("/admin/")
    assert response.status_code == 302 and "2fa" not in response["Location"]


@pytest.mark.parametrize("enrolled", [False, True])
def test_the_two_factor_check_costs_one_query_per_admin_page(client, enrolled):
    moderator = ModeratorFactory()
    if enrolled:
        with_app(moderator)
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/members/")
    checks = [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]
    assert len(checks) == 1
