"""A form sent with an out-of-date security token gets a page in the site's design.

Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"}) checks tokens as a browser's requests are
checked; the tests send the token a form in an older tab would still hold.
"""

import re

import pytest
from django.test import Client

from portal.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

STALE_TOKEN = "a" * 64


@pytest.fixture
def browser():
    client = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    client.get("/accounts/login/")  # sets the CSRF cookie, as opening the page does
    return client


def assert_expired_form_page(response, signed_in=False):
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in html
    assert 'class="nhsuk-header' in html  # the site's own header, not Django's bare page
    assert "CSRF" not in html
    if not signed_in:
        assert "nothing was changed" in html
        assert 'href="/accounts/login/">go to the sign-in page</a>' in html
    return html


def test_a_stale_sign_in_form_says_it_expired_and_links_back(browser, home):
    member = MemberFactory()
    response = browser.post(
        "/accounts/login/",
        {"login": member.email, "password": "anything", "csrfmiddlewaretoken": STALE_TOKEN},
        HTTP_REFERER="http://testserver/accounts/login/?next=/learning/",
    )
    html = assert_expired_form_page(response)
    assert 'href="/accounts/login/?next=/learning/">the page you were on</a>' in html
    assert "_auth_user_id" not in browser.session


def test_a_stale_sign_out_form_says_they_are_still_signed_in_and_offers_to_sign_out_now(browser, home):
    """A phone review: "Sign out" from an old tab said the form had expired and left her signed in, unsaid."""
    member = MemberFactory()
    browser.force_login(member)
    response = browser.post(
        "/accounts/logout/",
        {"csrfmiddlewaretoken": STALE_TOKEN},
        HTTP_REFERER="http://testserver/learning/bed-rails-review/",
    )
    html = assert_expired_form_page(response, signed_in=True)
    assert "you are still signed in" in html
    assert browser.session["_auth_user_id"] == str(member.pk)  # nothing changed yet
    fresh = re.search(
        r'action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html
    )
    assert fresh, "a sign-out form with a token of its own"
    assert "Sign out now</button>" in html
    browser.post("/accounts/logout/", {"csrfmiddlewaretoken": fresh.group(1)})
    assert "_auth_user_id" not in browser.session


def test_a_stale_sign_in_form_after_signing_in_elsewhere_says_they_are_signed_in(browser, home):
    """A phone review: a second sign-in tab led to "expired", then to the empty sign-in form again."""
    member = MemberFactory()
    browser.force_login(member)
    response = browser.post(
        "/accounts/login/?next=/share/mine/",
        {"login": member.email, "password": "anything", "next": "/share/mine/", "csrfmiddlewaretoken": STALE_TOKEN},
    )
    html = assert_expired_form_page(response, signed_in=True)
    assert "You are already signed in" in html
    assert '<a href="/share/mine/">Carry on to the page you were going to</a>' in html
    assert "go to the sign-in page" not in html


@pytest.mark.parametrize(
    "referer",
    [
        "https://attacker.example/phish",
        "//attacker.example/phish",
        "javascript:alert(1)",
        'http://testserver/"><script>alert(1)</script>',
    ],
)
def test_a_referer_from_elsewhere_is_not_linked(browser, home, referer):
    response = browser.post("/accounts/login/", {"csrfmiddlewaretoken": STALE_TOKEN}, HTTP_REFERER=referer)
    html = assert_expired_form_page(response)
    assert "attacker.example" not in html
    assert "javascript:" not in html
    assert "<script>alert(1)</script>" not in html
