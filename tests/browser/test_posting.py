"""Posting a learning note from a phone, in Chromium, against the demo site.

The demo's approved member, Grace Okafor (``carehome``), signs in with her
email address on the public sign-in page. Each page on the way is checked with
axe-core, at 360 px wide, and by the Nu HTML Checker.
"""

import re

import pytest
from playwright.sync_api import expect

from .support import (
    assert_valid_html,
    check_on_a_phone,
    fill_a_note_but_what_happened,
    sign_in_to_share,
    write_a_photo,
)

pytestmark = pytest.mark.browser


def test_a_member_posts_a_learning_note_with_a_photo_from_a_phone(phone, demo_server, tmp_path):
    photo = write_a_photo(tmp_path / "drinks-trolley.jpg")
    documents = {}

    sign_in_to_share(phone, demo_server)
    assert phone.locator("h1").inner_text() == "Share your learning"
    check_on_a_phone(phone, documents, "landing page")

    phone.get_by_role("link", name="Report a peer visit").click()
    expect(phone.locator("h1")).to_have_text("Report a peer visit")
    check_on_a_phone(phone, documents, "peer-visit form")

    phone.goto(demo_server + "/share/learning-note/")
    assert phone.locator("h1").inner_text() == "Share learning"
    assert phone.get_by_label("Your name").input_value() == "Grace Okafor"
    check_on_a_phone(phone, documents, "learning-note form")

    # Send it with one section missing: the error sits next to that field and nothing typed is lost.
    fill_a_note_but_what_happened(phone)
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_load_state()
    summary = phone.locator(".nhsuk-error-summary")
    assert "Say what happened" in summary.inner_text()
    group = phone.locator(".nhsuk-form-group--error", has=phone.locator("#id_what_happened"))
    assert "Say what happened" in group.locator(".nhsuk-error-message").inner_text()
    assert phone.get_by_label("Title").input_value() == "Evening drinks round on the first floor"
    assert phone.get_by_label("What we tried").input_value().startswith("A drinks round at nine")
    assert phone.get_by_label("Care homes", exact=True).is_checked()
    check_on_a_phone(phone, documents, "learning-note form with an error")

    phone.get_by_label("What happened").fill("Residents drank more, and night-time falls went down.")
    phone.set_input_files("#id_photo_1", str(photo))
    phone.get_by_label("Describe photo 1").fill("A drinks trolley with jugs and coloured cups")
    phone.get_by_role("button", name="Save and preview").click()
    phone.wait_for_load_state()
    assert "Preview: not published" in phone.locator(".portal-preview-banner").inner_text()
    image = phone.get_by_role("img", name="A drinks trolley with jugs and coloured cups")
    assert image.get_attribute("width") == "800"
    check_on_a_phone(phone, documents, "preview")

    phone.get_by_role("link", name="Go back and change it").click()
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_url(demo_server + "/share/mine/")
    card = phone.locator(".portal-contribution", has_text="Evening drinks round on the first floor")
    assert re.search(r"Status:\s*In review", card.inner_text())
    check_on_a_phone(phone, documents, "my contributions")

    assert_valid_html(documents)


def error_summary_has_focus(page):
    """The design system's error-summary module moves focus to the summary once the page's scripts run."""
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('nhsuk-error-summary')", timeout=5000
    )
    return True


def test_enter_saves_a_draft_and_an_error_takes_focus_without_losing_anything(phone, demo_server):
    documents = {}
    sign_in_to_share(phone, demo_server)
    phone.goto(demo_server + "/share/learning-note/")

    # Enter (Go on a phone keyboard) in the title saves a draft with only a title; it never sends it.
    phone.get_by_label("Title").fill("Night-light checks on the ground floor")
    phone.get_by_label("Title").press("Enter")
    phone.wait_for_url(re.compile(r"/share/mine/\d+/edit/$"))
    assert "Saved as a draft. Only you can see it." in phone.locator("main").inner_text()
    assert phone.get_by_label("Title").input_value() == "Night-light checks on the ground floor"
    edit_address = phone.url

    # Sending it for review asks for everything: the summary takes focus and names each field.
    phone.get_by_label("What we tried").fill("Checking every night light at 8pm.")
    phone.get_by_label("Reliability", exact=True).check()
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_load_state()
    assert error_summary_has_focus(phone)
    assert phone.title().startswith("Error: ")
    summary = phone.locator(".nhsuk-error-summary")
    for message in ["Enter a summary", "Say what happened", "Choose at least one care setting"]:
        assert summary.get_by_role("link", name=message).is_visible()
    assert "This field is required." not in summary.inner_text()
    assert phone.get_by_label("Title").input_value() == "Night-light checks on the ground floor"
    assert phone.get_by_label("What we tried").input_value() == "Checking every night light at 8pm."
    assert phone.get_by_label("Reliability", exact=True).is_checked()
    check_on_a_phone(phone, documents, "form with errors")

    # The summary's link leads to the group's first box.
    summary.get_by_role("link", name="Choose at least one care setting").click()
    assert phone.evaluate("document.activeElement.id") == "id_settings_0"

    phone.goto(demo_server + "/share/mine/")
    card = phone.locator(".portal-contribution", has_text="Night-light checks on the ground floor")
    assert card.count() == 1
    assert re.search(r"Status:\s*Draft", card.inner_text())
    assert edit_address.endswith("/edit/")
    assert_valid_html(documents)


def fill_a_whole_note(page, title, *, leave_out=None):
    answers = {
        "Title": title,
        "Summary": "Protected mealtimes meant residents ate more.",
        "What we tried": "No visits or rounds at lunch.",
        "What happened": "Residents ate more and staff could help.",
        "What we learned": "Quiet helps.",
        "What we would advise": "Tell families why first.",
    }
    for label, answer in answers.items():
        if label != leave_out:
            page.get_by_label(label).fill(answer)
    page.get_by_label("Care homes", exact=True).check()
    page.get_by_label("Reliability", exact=True).check()


@pytest.mark.parametrize("with_a_mistake_first", [False, True])
def test_back_after_sending_then_sending_again_makes_one_post(phone, demo_server, with_a_mistake_first):
    """Back from "My contributions" to the sent form, then "Send for review" again.

    Chrome fetches a form it got by GET again (the address carries the token,
    so we show the post it made); a form page that was the answer to a POST (a
    form with a mistake in it) it shows from its own copy, with the same token,
    so sending it again lands on the post it made.
    """
    sign_in_to_share(phone, demo_server)
    phone.goto(demo_server + "/share/learning-note/")
    form_address = phone.url
    assert "?form=" in form_address
    title = f"Protected mealtimes on Rose unit ({'after a mistake' if with_a_mistake_first else 'first time'})"
    if with_a_mistake_first:
        fill_a_whole_note(phone, title, leave_out="What happened")
        phone.get_by_role("button", name="Send for review").click()
        phone.wait_for_load_state()
        phone.get_by_label("What happened").fill("Residents ate more and staff could help.")
    else:
        fill_a_whole_note(phone, title)
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_url(demo_server + "/share/mine/")

    phone.go_back()
    phone.wait_for_load_state()
    if phone.url == form_address:
        assert with_a_mistake_first, "a form fetched again after it was sent must lead to the post it made"
        assert phone.get_by_label("Title").input_value() == title
        phone.get_by_role("button", name="Send for review").click()
        phone.wait_for_url(demo_server + "/share/mine/")
    assert "We already had this form from you, so nothing new was made." in phone.locator("main").inner_text()
    phone.goto(demo_server + "/share/mine/")
    cards = phone.locator(".portal-contribution", has_text=title)
    assert cards.count() == 1
    assert re.search(r"Status:\s*In review", cards.first.inner_text())


def sign_out_in(page, base_url):
    page.goto(base_url + "/accounts/logout/")
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_note_sent_after_signing_out_or_in_again_in_another_tab_comes_back_unsaved(phone, demo_server, tmp_path):
    """The phone review: a half-written note, "Sign out" in tab B, then "Save as draft" in tab A, lost it;
    so did signing out and in again in tab B, and the expired-form page's advice to reload."""
    documents = {}
    sign_in_to_share(phone, demo_server)
    phone.goto(demo_server + "/share/learning-note/")
    form_address = phone.url
    title = "Quiet lunchtimes on Rose unit (kept while signed out)"
    phone.get_by_label("Title").fill(title)
    phone.get_by_label("Summary").fill("Protected mealtimes meant residents ate more.")
    phone.get_by_label("What we tried").fill("No visits or rounds at lunch.")
    phone.set_input_files("#id_photo_1", str(write_a_photo(tmp_path / "lunch.jpg")))

    other_tab = phone.context.new_page()
    sign_out_in(other_tab, demo_server)
    phone.get_by_role("button", name="Save as draft").click()
    phone.wait_for_load_state()
    assert "/accounts/login/" in phone.url
    assert "What you typed in the form has been kept, not saved." in phone.locator("main").inner_text()
    check_on_a_phone(phone, documents, "sign-in page saying a note was kept")
    phone.fill("input[name=login]", "carehome@example.org")
    phone.fill("input[name=password]", "demo-carehome-pass")
    phone.locator("form").filter(has=phone.locator("input[name=password]")).locator("button[type=submit]").click()
    phone.wait_for_url(form_address)
    notice = phone.locator(".nhsuk-inset-text")
    assert "This learning note has not been saved yet." in notice.inner_text()
    assert "Photos you had chosen could not be kept: choose them again below." in notice.inner_text()
    assert phone.get_by_label("Title").input_value() == title
    assert phone.get_by_label("What we tried").input_value() == "No visits or rounds at lunch."
    check_on_a_phone(phone, documents, "form with the kept note")

    # Signed out and in again in the other tab: this form has expired, and its text is kept too.
    sign_out_in(other_tab, demo_server)
    sign_in_to_share(other_tab, demo_server)
    phone.get_by_label("What happened").fill("Residents ate more.")
    phone.get_by_role("button", name="Save as draft").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "This form has expired"
    assert "What you typed has been kept." in phone.locator("main").inner_text()
    check_on_a_phone(phone, documents, "expired form with the note kept")
    phone.get_by_role("link", name="the page you were on").click()
    phone.wait_for_url(form_address)
    assert phone.get_by_label("What happened").input_value() == "Residents ate more."
    assert phone.get_by_label("Title").input_value() == title

    phone.get_by_role("button", name="Save as draft").click()
    phone.wait_for_url(re.compile(r"/share/mine/\d+/edit/$"))
    assert "Saved as a draft. Only you can see it." in phone.locator("main").inner_text()
    assert "not been saved yet" not in phone.locator("main").inner_text()
    assert_valid_html(documents)
