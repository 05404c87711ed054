"""A safety culture round in Chromium, against the demo site.

The demo's open round for Ordsall Riverside Surgery (two answers so far) is run to the
end: the facilitator, Helen Marsh, signs in on the public site and makes six private
links; six staff answer on a 360 px phone (one saves, closes the browser and finishes
later through the same link); the facilitator sees the results, runs the debrief,
records an action and marks it complete; the printable summary shows the spread and
the action. The answer, results and summary pages are checked with axe-core, for
horizontal scrolling at 360 px, and by the Nu HTML Checker. Everything the
facilitator does is on the public site, not in the Wagtail admin.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM_ARGS  # noqa: F401 - the same Chromium as every browser test
from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html

pytestmark = pytest.mark.browser

FACILITATOR = ("facilitator@example.org", "demo-facilitator-pass")
ROUND = "Ordsall Riverside Surgery: Winter 2026"
# The level (1-5) each of the six staff chooses for the first dimension; they agree elsewhere.
FIRST_DIMENSION_LEVELS = [1, 2, 3, 4, 5, 5]


def sign_in(page, base, next_url="/culture/"):
    """The facilitator signs in on the public site (not the admin) by email address."""
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=login]", FACILITATOR[0])
    page.fill("input[name=password]", FACILITATOR[1])
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_url(base + next_url)


def phone_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    return context, context.new_page()


def check(page, documents, step, width=None):
    assert_no_axe_violations(page)
    if width:
        assert_fits_width(page, width)
    documents[f"{step} ({page.url})"] = page.content()


def choose(page, person, dimensions):
    """Pick this person's level in the given dimensions (by their position on the page)."""
    groups = page.locator(".nhsuk-radios")
    for k in dimensions:
        level = FIRST_DIMENSION_LEVELS[person] if k == 0 else 3 + person % 2
        groups.nth(k).locator("input[type=radio]").nth(level - 1).check()


def test_a_round_from_private_links_to_the_printed_summary(browser, phone, page, demo_server):
    documents = {}

    # The facilitator opens the round's page and makes six private links.
    sign_in(page, demo_server)
    page.get_by_role("link", name=ROUND, exact=True).click()
    expect(page.locator("#answered-count")).to_have_text("2 of 5 people have answered so far")
    page.get_by_role("link", name="Create private links for people to answer").click()
    page.get_by_label("How many private links").fill("6")
    page.get_by_role("button", name="Create links").click()
    expect(page.locator(".culture-links code")).to_have_count(6)
    links = page.locator(".culture-links code").all_inner_texts()
    assert len(links) == 6 and len(set(links)) == 6

    # The first person starts on their phone, saves half-way and closes the browser.
    phone.goto(links[0])
    expect(phone.locator("h1")).to_have_text("How safe is our culture?")
    assert phone.locator(".nhsuk-radios").count() == 9
    check(phone, documents, "answer form", width=360)
    choose(phone, 0, range(4))
    phone.get_by_label("Comment on overall commitment to quality (optional)").fill("Audit time keeps being cancelled.")
    phone.get_by_role("button", name="Save and finish later").click()
    expect(phone.locator("h1")).to_have_text("Your answers are saved")
    phone.context.close()

    # ... and finishes later through the same link, in a fresh browser.
    context, later = phone_page(browser)
    later.goto(links[0])
    expect(later.locator("main")).to_contain_text("Welcome back")
    assert later.locator(".nhsuk-radios").nth(0).locator("input:checked").get_attribute("value") == "1"
    comment = later.get_by_label("Comment on overall commitment to quality (optional)")
    assert comment.input_value() == "Audit time keeps being cancelled."
    # Sending with four topics missing names each one next to its field.
    later.get_by_role("button", name="Send my answers").click()
    expect(later.locator(".nhsuk-error-summary__list li")).to_have_count(5)
    check(later, documents, "answer form with errors", width=360)
    choose(later, 0, range(9))
    later.get_by_role("button", name="Send my answers").click()
    expect(later.locator("h1")).to_have_text("Your answers have been sent")
    later.goto(links[0])
    expect(later.locator("h1")).to_have_text("This link has already been used")
    context.close()

    # Five more people answer in one go, each on their own phone.
    for person in range(1, 6):
        context, other = phone_page(browser)
        other.goto(links[person])
        choose(other, person, range(9))
        other.get_by_role("button", name="Send my answers").click()
        expect(other.locator("h1")).to_have_text("Your answers have been sent")
        context.close()

    # The facilitator sees the results: the topic where views differ most comes first.
    page.get_by_role("link", name="Back to the round", exact=True).click()
    expect(page.locator("#answered-count")).to_have_text("8 of 5 people have answered (enough to show results)")
    expect(page.locator("#dimension-1")).to_have_text("1. Overall commitment to quality")
    expect(page.locator("main")).to_contain_text("Audit time keeps being cancelled.")
    check(page, documents, "results")

    # The debrief: agree a level, add an action, mark it complete.
    page.get_by_role("link", name="Run the debrief").click()
    page.get_by_role("link", name="1. Overall commitment to quality").click()
    page.get_by_label("Bureaucratic", exact=True).check()
    page.get_by_label("Notes from the discussion (optional)").fill("Views split between clinicians and reception.")
    page.get_by_role("button", name="Save the agreed level").click()
    expect(page.locator("main")).to_contain_text("The agreed level has been saved.")
    page.get_by_label("Action", exact=True).fill("Protect two hours a month for audit")
    page.get_by_label("Who will do it").fill("Practice manager")
    page.get_by_label("Due date").fill("2027-01-31")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text("The action has been added.")
    page.get_by_role("link", name="Debrief", exact=True).click()
    page.get_by_role("button", name="Mark the debrief complete").click()
    expect(page.locator("main")).to_contain_text("The debrief is marked complete")

    # The printable summary, on a phone and as printed.
    context, summary = phone_page(browser)
    sign_in(summary, demo_server)
    summary.get_by_role("link", name=ROUND, exact=True).click()
    summary.get_by_role("link", name="Printable summary for the team").click()
    expect(summary.locator("main")).to_contain_text("8 people answered")
    first = summary.locator(".culture-summary__dimension").first
    assert first.locator("h2").inner_text() == "1. Overall commitment to quality"
    assert re.search(r"Spread: \d\.\d", first.inner_text())
    assert "3. Bureaucratic" in first.inner_text()
    assert "Protect two hours a month for audit" in first.inner_text()
    assert "Practice manager" in first.inner_text() and "31 January 2027" in first.inner_text()
    check(summary, documents, "summary", width=360)
    summary.emulate_media(media="print")
    expect(summary.locator("header.nhsuk-header")).to_be_hidden()
    assert first.is_visible()
    context.close()

    assert_valid_html(documents)
