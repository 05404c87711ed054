"""Two-factor authentication in Chromium: the code step for a demo staff account,
and a member turning it on and off. Each page is checked with axe-core (WCAG 2.2
AA), for horizontal scrolling at 360 px and with the Nu HTML Checker."""

import re

import pytest

from portal.demo.management.commands.demo_totp import current_code

from .support import (
    admin_sign_in,
    assert_fits_width,
    assert_no_axe_violations,
    assert_valid_html,
    demo_totp_code,
)

pytestmark = pytest.mark.browser

ADMIN = ("admin@example.org", "demo-admin-pass")
GRACE = ("carehome@example.org", "demo-carehome-pass")


def check(page, documents):
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[page.url + ("#errors" if page.locator(".nhsuk-error-summary").count() else "")] = page.content()


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_staff_are_asked_for_their_code_and_a_wrong_one_is_explained(phone, demo_server):
    documents = {}
    phone.goto(demo_server + "/admin/")
    phone.get_by_label("Email address").fill(ADMIN[0])
    phone.get_by_label("Password", exact=True).fill(ADMIN[1])
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/$"))
    assert phone.locator("h1").inner_text() == "Type your code"
    check(phone, documents)

    phone.get_by_label("Code", exact=True).fill(wrong(demo_totp_code(ADMIN[0])))
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_load_state()
    assert "The code is not right" in phone.locator("#id_code_error").inner_text()
    check(phone, documents)
    assert_valid_html(documents)


def test_the_admin_sign_in_helper_reaches_the_dashboard(page, demo_server):
    admin_sign_in(page, demo_server, *ADMIN)
    assert page.url == demo_server + "/admin/"
    assert page.get_by_role("heading", level=1).count()


def test_a_member_turns_two_factor_on_from_their_profile_and_off_again(phone, demo_server):
    documents = {}
    phone.goto(demo_server + "/accounts/login/")
    phone.get_by_label("Email address").fill(GRACE[0])
    phone.get_by_label("Password", exact=True).fill(GRACE[1])
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_load_state()
    phone.goto(demo_server + "/members/profile/")
    phone.get_by_role("link", name="Two-factor authentication").click()
    phone.wait_for_load_state()
    assert "Two-factor authentication is off." in phone.locator("main").inner_text()
    check(phone, documents)

    phone.get_by_role("link", name="Set up two-factor authentication").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Confirm it is you"
    phone.get_by_label("Password", exact=True).fill(GRACE[1])
    phone.get_by_role("button", name="Confirm").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Set up two-factor authentication"
    assert phone.locator("img.portal-qr-code").evaluate("img => img.complete && img.naturalWidth > 0")
    check(phone, documents)

    secret = phone.locator("#authenticator_secret").inner_text()
    phone.get_by_label("Code from your authenticator app").fill(wrong(current_code(secret)))
    phone.get_by_role("button", name="Turn on").click()
    phone.wait_for_load_state()
    assert "The code is not right" in phone.locator("#id_code_error").inner_text()
    check(phone, documents)

    phone.get_by_label("Code from your authenticator app").fill(current_code(secret))
    phone.get_by_role("button", name="Turn on").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Your recovery codes"
    assert phone.locator("#recovery_codes li").count() == 10
    check(phone, documents)

    # Leave the demo account as it was for the other tests.
    phone.goto(demo_server + "/accounts/2fa/totp/deactivate/")
    phone.get_by_role("button", name="Turn off").click()
    phone.wait_for_load_state()
    assert "Two-factor authentication is off." in phone.locator("main").inner_text()
    assert_valid_html(documents)
