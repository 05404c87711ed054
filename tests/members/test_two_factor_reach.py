"""A role beyond a member's works only after two-factor in this session, wherever the view lives (issue 14, item 6).

A moderator signed in with a password alone used to read other organisations'
safety culture results, the per-setting totals and members' draft photos on
the public site. Now each of those views treats them as a member, with a
notice that says why and links to two-factor; after typing a code they may.
"""

import datetime
import html
import pickle

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from freezegun import freeze_time

from portal.core.access import is_moderator, is_moderator_role
from portal.demo.management.commands.demo_totp import current_code
from portal.members.factories import PASSWORD, MemberFactory, ModeratorFactory
from tests.culture.conftest import facilitator, practice, round_  # noqa: F401 - fixtures
from tests.learning.conftest import indexes, member, member_client  # noqa: F401 - fixtures
from tests.learning.test_private_photos import draft_image, post_with_photo

pytestmark = [pytest.mark.django_db, pytest.mark.without_two_factor]

NOTICE = "You are signed in without two-factor authentication, so you see this page as a member does."


def text(response):
    return html.unescape(response.content.decode())


def sign_in_by_password(client, user):
    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def sign_in_with_two_factor(client, user, secret):
    client.logout()
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})["Location"] == (
        "/accounts/2fa/authenticate/"
    )
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.fixture
def frozen():
    with freeze_time("2026-11-30 10:00:05") as clock:
        yield clock


@pytest.fixture
def moderator(db):
    """From the programme team, signing in to the public site with a password and no app."""
    return ModeratorFactory(first_name="Priya", last_name="Shah")


@pytest.fixture
def photo_url(member_client, indexes):  # noqa: F811 - fixture
    post_with_photo(member_client)
    return draft_image().file.url


def culture_urls(round_):  # noqa: F811 - fixture
    return {
        "another organisation's results": f"/culture/rounds/{round_.pk}/",
        "its printable summary": f"/culture/rounds/{round_.pk}/summary/",
        "totals per care setting": "/culture/settings/general-practice/",
    }


def test_without_two_factor_a_moderator_has_a_members_reach_and_is_told_why(client, moderator, round_, photo_url):  # noqa: F811
    sign_in_by_password(client, moderator)
    for name, url in {**culture_urls(round_), "a member's draft photo": photo_url}.items():
        response = client.get(url)
        assert response.status_code in (403, 404), name
        page = text(response)
        assert NOTICE in page, name
        assert 'href="/accounts/2fa/totp/activate/">Set up two-factor authentication</a>' in page, name

    index = text(client.get("/culture/"))
    assert "/culture/settings/" not in index and NOTICE in index


def test_a_member_never_sees_the_notice(client, round_):  # noqa: F811
    sign_in_by_password(client, MemberFactory())
    page = text(client.get(f"/culture/rounds/{round_.pk}/"))
    assert "You cannot see this page" in page and NOTICE not in page


def test_after_two_factor_the_moderator_may(client, frozen, moderator, round_, photo_url):  # noqa: F811
    secret = generate_totp_secret()
    TOTP.activate(moderator, secret)
    sign_in_with_two_factor(client, moderator, secret)
    for name, url in culture_urls(round_).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert NOTICE not in text(response), name
    assert client.get(photo_url).status_code == 200


def test_setting_up_the_app_in_this_session_counts_as_passing(client, frozen, moderator, round_):  # noqa: F811
    sign_in_by_password(client, moderator)
    assert client.get(f"/culture/rounds/{round_.pk}/").status_code == 403
    frozen.tick(datetime.timedelta(seconds=1))
    TOTP.activate(moderator, generate_totp_secret())
    assert client.get(f"/culture/rounds/{round_.pk}/").status_code == 200


def test_an_app_set_up_in_another_session_must_be_used_in_this_one(client, frozen, moderator, round_):  # noqa: F811
    """Signed in before the app existed (say, on another computer): the admin and the public site ask for a code."""
    sign_in_by_password(client, moderator)
    secret = generate_totp_secret()
    TOTP.activate(moderator, secret)
    Authenticator.objects.filter(user=moderator).update(created_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))

    page = text(client.get(f"/culture/rounds/{round_.pk}/"))
    verify = f'href="/accounts/2fa/reauthenticate/?next=%2Fculture%2Frounds%2F{round_.pk}%2F"'
    assert NOTICE in page and f"{verify}>Type a code from your authenticator app</a>" in page
    for url in ("/admin/", "/admin/roadmap/measures/1/upload/", "/admin/members/"):
        response = client.get(url)
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next="), url

    client.post("/accounts/2fa/reauthenticate/?next=/admin/", {"code": current_code(secret)})
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/culture/rounds/{round_.pk}/").status_code == 200


def test_the_signed_in_user_pickles_and_a_copy_from_the_cache_has_no_reach(client, frozen, moderator, round_):  # noqa: F811
    """The user is cached with anything it is attached to (a photo's uploader, so every rendition of that photo).

    The mark the middleware set used to be a lambda, and every photo shown on a form with a problem
    answered 500 ("Can't pickle local object"). A copy read back from the cache has no session to ask.
    """
    secret = generate_totp_secret()
    TOTP.activate(moderator, secret)
    sign_in_with_two_factor(client, moderator, secret)
    response = client.get(f"/culture/rounds/{round_.pk}/")
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert is_moderator(user)

    copy = pickle.loads(pickle.dumps(user))  # noqa: S301 - our own bytes, as the cache reads them
    assert copy.pk == moderator.pk
    assert is_moderator_role(copy) and not is_moderator(copy)
