"""A safety culture round in Chromium, against the demo site, with the facilitator on a phone.

Helen Marsh, the demo's facilitator, does everything on a 360x740 phone on the public site
(never the Wagtail admin): she opens a new round for Ordsall Riverside Surgery (a date
mistake first: the error summary takes focus and nothing typed is lost), makes six private
links, sees them as slips to cut out (and as printed), downloads them as CSV and reloads
the page without making more. Six staff answer on their own phones (one saves, closes the
tab and finishes later through the same link in the same browser; anyone else opening that
link sees none of the draft). The results stay exactly as they were until five answers have
arrived; then the first batch of five is shown and the sixth answer changes nothing. She
runs the debrief (an action with a mistake keeps the agreed level and notes typed above it;
she changes the action and looks at removing it), is warned at the top of the page that
eight topics are not agreed before marking it complete, and prints the summary. Every page
is checked with axe-core, for elements wider than the screen and charts within it with
body-size text, and by the Nu HTML Checker.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM_ARGS  # noqa: F401 - the same Chromium as every browser test
from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html

pytestmark = pytest.mark.browser

FACILITATOR = ("facilitator@example.org", "demo-facilitator-pass")
ORGANISATION = "Ordsall Riverside Surgery"
TITLE = "Summer 2027 check-in"
# The level (1-5) each of the six staff chooses for the first dimension; they agree elsewhere.
FIRST_DIMENSION_LEVELS = [1, 2, 3, 4, 5, 5]

# Every element of the page that reaches past the screen's right edge or is wider than the
# screen (not only what makes the page scroll: also what a parent clips or scrolls).
_TOO_WIDE_JS = """
(width) => [...document.body.querySelectorAll('*')].flatMap((el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return [];
  if (r.width <= 1 && r.height <= 1) return [];  // visually hidden text
  if (r.right <= width + 0.5 && r.left >= -0.5) return [];
  const cls = typeof el.className === 'string' ? el.className : '';
  return [`<${el.tagName.toLowerCase()} class="${cls}"> left=${Math.round(r.left)} width=${Math.round(r.width)}`];
})
"""

_CHARTS_JS = """
() => [...document.querySelectorAll('svg.culture-chart')].map((svg) => {
  const r = svg.getBoundingClientRect();
  const scale = r.width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map((t) => Number(t.getAttribute('font-size')) * scale);
  const texts = [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect());
  return {left: r.left, right: r.right, smallest: Math.min(...sizes),
          textLeft: Math.min(...texts.map((t) => t.left)), textRight: Math.max(...texts.map((t) => t.right))};
})
"""


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


def check(page, documents, step):
    """axe-clean; at phone width nothing wider than the screen, and every chart inside the
    screen with its text (labels included) at body size, 16 px, or larger."""
    assert_no_axe_violations(page)
    width = page.viewport_size["width"]
    if width <= 360:
        assert_fits_width(page, width)
        too_wide = page.evaluate(_TOO_WIDE_JS, width)
        assert not too_wide, f"{step}: elements wider than the {width}px screen: {too_wide[:5]}"
        for chart in page.evaluate(_CHARTS_JS):
            assert chart["left"] >= 0 and chart["right"] <= width, f"{step}: a chart reaches off screen: {chart}"
            assert chart["textLeft"] >= chart["left"] - 0.5 and chart["textRight"] <= chart["right"] + 0.5, (
                f"{step}: a chart label is cut off: {chart}"
            )
            assert chart["smallest"] >= 15.9, f"{step}: chart text is {chart['smallest']:.1f}px, below body size"
    documents[f"{step} ({page.url})"] = page.content()


def assert_error_summary_has_focus(page):
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    focused = page.evaluate("() => document.activeElement.closest('.nhsuk-error-summary') !== null")
    assert focused, "focus is not on the error summary"


def choose(page, person, dimensions):
    """Pick this person's level in the given dimensions (by their position on the page)."""
    groups = page.locator(".nhsuk-radios")
    for k in dimensions:
        level = FIRST_DIMENSION_LEVELS[person] if k == 0 else 3 + person % 2
        groups.nth(k).locator("input[type=radio]").nth(level - 1).check()


def results_shown(page):
    """What the results page shows of the answers: everything in <main>."""
    page.reload()
    return page.locator("main").inner_html()


def test_a_facilitator_runs_a_round_on_a_phone_from_opening_it_to_the_printed_summary(browser, demo_server):
    documents = {}
    context, page = phone_page(browser)

    # Helen opens a round for her practice; a date mistake keeps what she typed.
    sign_in(page, demo_server)
    page.get_by_role("link", name="Open a safety culture round").click()
    page.get_by_label("Name of the round").fill(TITLE)
    page.get_by_label("Last day to answer").fill("2020-01-01")
    page.get_by_role("button", name="Open the round").click()
    assert_error_summary_has_focus(page)
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The last day to answer must be on or after")
    assert page.get_by_label("Name of the round").input_value() == TITLE
    check(page, documents, "open a round with an error")
    page.get_by_label("Last day to answer").fill("2099-12-31")
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("main")).to_contain_text("The round is open.")
    expect(page.locator("#answered-count")).to_have_text("None yet")
    round_url = page.url.split("?")[0]
    check(page, documents, "new round")

    # Six private links, as slips to cut out, printed, and downloaded.
    page.get_by_role("link", name="Create private links for people to answer").click()
    page.get_by_label("How many private links").fill("6")
    page.get_by_role("button", name="Create links").click()
    expect(page.locator(".culture-slip")).to_have_count(6)
    links = page.locator(".culture-slip code").all_inner_texts()
    assert len(set(links)) == 6
    check(page, documents, "private links")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as a spreadsheet (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert [row[4] for row in rows[1:]] == links
    # Reloading the page (or coming Back to it) shows the same links and makes no more.
    page.reload()
    expect(page.locator(".culture-slip")).to_have_count(6)
    assert page.locator(".culture-slip code").all_inner_texts() == links
    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.locator(".nhsuk-warning-callout")).to_be_hidden()
    expect(page.locator(".culture-slip").first).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(round_url)
    before = results_shown(page)

    # The first person starts on their phone, saves half-way and closes the tab.
    first_context, first = phone_page(browser)
    first.goto(links[0])
    expect(first.locator("h1")).to_have_text("How safe is our culture?")
    assert first.locator(".nhsuk-radios").count() == 9
    check(first, documents, "answer form")
    choose(first, 0, range(4))
    first.get_by_label("Comment on overall commitment to quality (optional)").fill("Audit time keeps being cancelled.")
    first.get_by_role("button", name="Save and finish later").click()
    expect(first.locator("h1")).to_have_text("Your answers are saved")
    first.close()

    # Anyone else opening that link (the facilitator who handed it out, say) sees none of it.
    nosy_context, nosy = phone_page(browser)
    nosy.goto(links[0])
    expect(nosy.locator("main")).to_contain_text("they are not shown here")
    expect(nosy.locator("main")).not_to_contain_text("Welcome back")
    assert nosy.locator("input:checked").count() == 0
    assert nosy.get_by_label("Comment on overall commitment to quality (optional)").input_value() == ""
    nosy_context.close()

    # ... and the first person finishes later through the same link, in the same browser.
    later_context, later = first_context, first_context.new_page()
    later.goto(links[0])
    expect(later.locator("main")).to_contain_text("Welcome back")
    assert later.locator(".nhsuk-radios").nth(0).locator("input:checked").get_attribute("value") == "1"
    comment = later.get_by_label("Comment on overall commitment to quality (optional)")
    assert comment.input_value() == "Audit time keeps being cancelled."
    later.get_by_role("button", name="Send my answers").click()
    expect(later.locator(".nhsuk-error-summary__list li")).to_have_count(5)
    check(later, documents, "answer form with errors")
    choose(later, 0, range(9))
    later.get_by_role("button", name="Send my answers").click()
    expect(later.locator("h1")).to_have_text("Your answers have been sent")
    later.goto(links[0])
    expect(later.locator("h1")).to_have_text("This link has already been used")
    later_context.close()

    # Three more answer: the results page does not change at all.
    def answer(person):
        other_context, other = phone_page(browser)
        other.goto(links[person])
        choose(other, person, range(9))
        other.get_by_role("button", name="Send my answers").click()
        expect(other.locator("h1")).to_have_text("Your answers have been sent")
        other_context.close()

    for person in range(1, 4):
        answer(person)
        assert results_shown(page) == before, f"the results changed after answer {person + 1}"

    # The fifth answer releases the first batch; the sixth changes nothing.
    answer(4)
    released = results_shown(page)
    assert released != before
    expect(page.locator("#answered-count")).to_have_text("5 people's answers")
    expect(page.locator("#dimension-1")).to_have_text("1. Overall commitment to quality")
    expect(page.locator("main")).to_contain_text("Audit time keeps being cancelled.")
    answer(5)
    assert results_shown(page) == released
    check(page, documents, "results")

    # The debrief: a mistake in the action keeps the level and notes typed above it.
    page.get_by_role("link", name="Run the debrief").click()
    page.wait_for_url(re.compile(r"/debrief/$"))
    check(page, documents, "debrief agenda")
    page.get_by_role("link", name="1. Overall commitment to quality").click()
    page.get_by_label("Bureaucratic", exact=True).check()
    notes = "Views split between clinicians and reception."
    page.get_by_label("Notes from the discussion (optional)").fill(notes)
    page.get_by_label("Action", exact=True).fill("Protect two hours a month for audit")
    page.get_by_label("Due date").fill("2027-01-31")
    page.get_by_role("button", name="Add the action").click()
    assert_error_summary_has_focus(page)
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter who will do it.")
    assert page.get_by_label("Bureaucratic", exact=True).is_checked()
    assert page.get_by_label("Notes from the discussion (optional)").input_value() == notes
    assert page.get_by_label("Action", exact=True).input_value() == "Protect two hours a month for audit"
    check(page, documents, "debrief topic with an error")
    page.get_by_label("Who will do it").fill("Practice manager")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text("The agreed level has been saved and the action added.")
    check(page, documents, "debrief topic")
    # A wrong action can be changed (or removed, after a question).
    page.get_by_role("link", name="Change 'Protect two hours a month for audit'").click()
    check(page, documents, "change an action")
    assert page.get_by_label("Due date").input_value() == "31 1 2027"
    page.get_by_label("Who will do it").fill("Practice manager")
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator("main")).to_contain_text("The action has been changed.")
    page.get_by_role("link", name="Remove 'Protect two hours a month for audit'").click()
    expect(page.locator("h1")).to_have_text("Remove this action?")
    check(page, documents, "remove an action")
    page.get_by_role("link", name="No, keep it").click()
    page.get_by_role("link", name="Next topic").click()
    expect(page.locator("main")).to_contain_text("Topic 2 of 9")
    check(page, documents, "second debrief topic")
    page.get_by_role("link", name="Back to Debrief agenda").click()  # the breadcrumb's back link on a phone
    page.get_by_role("button", name="Mark the debrief complete").click()
    expect(page.locator("main")).to_contain_text("8 of 9 topics have no agreed level")
    # At the top, where focus lands, with the button in it: on a phone the foot of the
    # agenda is several screens away.
    expect(page.locator("#confirm-complete")).to_be_focused()
    assert page.locator("#confirm-complete").bounding_box()["y"] < 740
    check(page, documents, "debrief confirmation")
    page.locator("#confirm-complete").get_by_role("button", name="Mark complete anyway").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_focused()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("The debrief is marked complete")

    # The printable summary, on the phone and as printed.
    page.goto(round_url)
    page.get_by_role("link", name="Printable summary for the team").click()
    expect(page.locator("main")).to_contain_text("5 people's answers are in these results")
    first_topic = page.locator(".culture-summary__dimension").first
    assert first_topic.locator("h2").inner_text() == "1. Overall commitment to quality"
    assert re.search(r"Spread: \d\.\d", first_topic.inner_text())
    assert "3. Bureaucratic" in first_topic.inner_text()
    assert "Protect two hours a month for audit" in first_topic.inner_text()
    assert "Practice manager" in first_topic.inner_text() and "31 January 2027" in first_topic.inner_text()
    check(page, documents, "summary")
    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    assert first_topic.is_visible()
    context.close()

    assert_valid_html(documents)


def test_a_round_name_without_spaces_wraps_on_the_culture_page(browser, demo_server):
    """A facilitator's own text: a long unbroken run in a round's name must not widen the page."""
    documents = {}
    context, page = phone_page(browser)
    name = "Ordsall-" + "w" * 150
    sign_in(page, demo_server)
    page.get_by_role("link", name="Open a safety culture round").click()
    page.get_by_label("Name of the round").fill(name)
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("main")).to_contain_text("The round is open.")

    page.goto(f"{demo_server}/culture/")
    expect(page.locator("main")).to_contain_text(name)
    check(page, documents, "culture page with a long round name")
    context.close()


def test_an_earlier_rounds_results_and_change_over_time_fit_a_phone(browser, demo_server):
    """The demo's debriefed Spring 2026 round has change-over-time charts as well."""
    documents = {}
    context, page = phone_page(browser)
    sign_in(page, demo_server)
    page.get_by_role("link", name=f"{ORGANISATION}: Spring 2026", exact=True).click()
    expect(page.locator("#change-over-time")).to_be_visible()
    check(page, documents, "results with change over time")
    page.get_by_role("link", name="Printable summary for the team").click()
    check(page, documents, "earlier summary")
    context.close()
    assert_valid_html(documents)
