"""Deleting an account in Chromium, on a phone: the page passes the checks, a
wrong password is explained next to the field, and the right one deletes the
account and signs the person out.

Uses the demo's pending member, whom no other browser test signs in as, so
deleting them changes nothing another test relies on.
"""

import pytest

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html

pytestmark = pytest.mark.browser

NEWSTARTER = ("newstarter@example.org", "demo-newstarter-pass")


def sign_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def check(page, documents, name):
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[name] = page.content()


def test_a_member_deletes_their_account_from_a_phone(phone, demo_server):
    documents = {}
    sign_in(phone, demo_server, *NEWSTARTER)
    phone.goto(demo_server + "/members/profile/")
    phone.get_by_role("link", name="Delete your account").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Delete your account"
    assert "What stays on the site" in phone.locator("main").inner_text()
    check(phone, documents, demo_server + "/members/profile/delete/")

    phone.get_by_label("Your password").fill("not-my-password")
    phone.get_by_role("button", name="Delete my account").click()
    phone.wait_for_load_state()
    assert "There is a problem" in phone.locator(".nhsuk-error-summary").inner_text()
    assert "The password is not right" in phone.locator("#id_password_error").inner_text()
    check(phone, documents, demo_server + "/members/profile/delete/#errors")

    phone.get_by_label("Your password").fill(NEWSTARTER[1])
    phone.get_by_role("button", name="Delete my account").click()
    phone.wait_for_load_state()
    assert phone.url.rstrip("/") == demo_server.rstrip("/")
    assert "Your account has been deleted." in phone.locator("body").inner_text()
    check(phone, documents, demo_server + "/#deleted")

    sign_in(phone, demo_server, *NEWSTARTER)
    assert "/accounts/login/" in phone.url

    assert_valid_html(documents)
