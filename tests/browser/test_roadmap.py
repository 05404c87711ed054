"""The roadmap's driver diagram with and without JavaScript, in Debian's Chromium.

Without JavaScript the diagram is nested lists with headings, which is also
what screen readers read; js/driver-diagram.js only adds a column layout and
show/hide buttons. Both must pass axe.
"""

import re

import pytest
from playwright.sync_api import expect

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html, fetch

pytestmark = pytest.mark.browser

DIAGRAM = ".driver-diagram"
SUMMARY = ".driver-diagram__details > summary"
MEASURE = "/roadmap/measures/falls-in-care-homes/"
# Page heights at 360x740 (measured before this change: roadmap 16,970 px, milestones 21,495 px).
# The roadmap: the aim, the ways in, the closed driver diagram and the programme's own text,
# about five phone screens. Milestones: one page of 6, each about a phone screen tall, plus
# the summary, filters and footer: under a third of what a reader faced before.
ROADMAP_MAX_HEIGHT = 4000
MILESTONES_MAX_HEIGHT = 7000
# A measure page was 10,000-20,000 px at 360x740, mostly its data table as one card a month;
# with the figures folded into a closed details it is the chart, its summary and the controls.
MEASURE_MAX_HEIGHT = 6000
PRIMARY = ".driver-diagram__list--primary > li"
HEADINGS = ".driver-diagram h3, .driver-diagram h4, .driver-diagram h5"


def diagram_outline(page):
    """The text of every driver and change idea heading, level by level, in reading order (opening the diagram)."""
    if page.locator(".driver-diagram__details").get_attribute("open") is None:
        page.locator(SUMMARY).click()
    return {level: page.locator(f"{DIAGRAM} {level}").all_inner_texts() for level in ("h3", "h4", "h5")}


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page_without_site_scripts(browser):
    """JavaScript on, but none of the site's scripts load: the page as it is without JavaScript.

    axe-core cannot run where JavaScript is disabled (its checks never finish). The site's
    only inline script, the design system's one line (portal.core.frontend), takes its mark
    off again when a script file fails, so blocking the files gives the same page.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


def test_without_javascript_the_diagram_is_nested_lists(page_without_javascript, demo_server):
    page = page_without_javascript
    page.goto(demo_server + "/roadmap/")
    assert page.locator(".driver-diagram__details").get_attribute("open") is None, "closed until asked for"
    assert page.locator(SUMMARY).inner_text().startswith("Open the driver diagram: 4 primary drivers")
    page.locator(SUMMARY).click()
    primaries = page.locator(PRIMARY)
    assert primaries.count() >= 2, "the demo driver diagram has primary drivers"
    first = primaries.first
    assert first.locator(":scope > div > h3").inner_text().startswith("Primary driver")
    secondary = first.locator(":scope > ul.driver-diagram__list--secondary > li").first
    assert secondary.locator("h4").first.inner_text().startswith("Secondary driver")
    idea = secondary.locator(":scope > ul.driver-diagram__list--ideas > li").first
    assert idea.locator("h5").inner_text().startswith("Change idea")
    assert idea.get_by_role("link").count() >= 1, "a change idea links to its workstreams' milestones"
    assert page.locator(".driver-diagram--enhanced").count() == 0
    assert page.locator(".driver-diagram__toggle").count() == 0
    headings = page.locator(HEADINGS)
    assert all(headings.nth(i).is_visible() for i in range(headings.count()))


def test_without_javascript_the_roadmap_passes_axe(page_without_site_scripts, page_without_javascript, demo_server):
    page_without_javascript.goto(demo_server + "/roadmap/")
    page = page_without_site_scripts
    page.goto(demo_server + "/roadmap/")
    assert page.locator(".driver-diagram--enhanced").count() == 0
    assert_no_axe_violations(page)
    page.locator(SUMMARY).click()
    assert diagram_outline(page) == diagram_outline(page_without_javascript)
    assert_no_axe_violations(page)


def test_with_javascript_the_diagram_becomes_columns_with_show_and_hide(page, page_without_javascript, demo_server):
    page_without_javascript.goto(demo_server + "/roadmap/")
    outline = diagram_outline(page_without_javascript)

    page.goto(demo_server + "/roadmap/")
    page.wait_for_selector(".driver-diagram--enhanced")
    assert diagram_outline(page) == outline, "the enhancement keeps every heading, in the same order"
    assert page.locator(".driver-diagram__columns").is_visible()
    primary_box = page.locator(f"{PRIMARY} > .driver-diagram__node--primary").first.bounding_box()
    secondary_box = page.locator(".driver-diagram__node--secondary").first.bounding_box()
    assert secondary_box["x"] > primary_box["x"] + primary_box["width"], "secondary drivers sit in the next column"
    assert_no_axe_violations(page)

    toggles = page.locator(f"{PRIMARY} .driver-diagram__toggle")
    assert toggles.count() == page.locator(PRIMARY).count()
    first_toggle = toggles.first
    branch = page.locator("#" + first_toggle.get_attribute("aria-controls"))
    assert first_toggle.get_attribute("aria-expanded") == "true" and branch.is_visible()
    first_toggle.click()
    assert first_toggle.get_attribute("aria-expanded") == "false"
    assert branch.is_hidden()
    name = " ".join(first_toggle.inner_text().split())
    primary_title = page.locator(f"{PRIMARY} h3").first.inner_text().split(":", 1)[1].strip()
    assert name == f"Show secondary drivers and change ideas for {primary_title}"
    assert_no_axe_violations(page)
    first_toggle.click()
    assert branch.is_visible()

    page.get_by_role("button", name="Hide all branches").click()
    assert page.locator(".driver-diagram__list--secondary:visible").count() == 0
    page.get_by_role("button", name="Show all branches").click()
    assert page.locator(".driver-diagram__list--secondary:visible").count() == toggles.count()


def test_on_a_phone_the_diagram_opens_closed_and_shows_its_outline_first(phone, demo_server):
    phone.goto(demo_server + "/roadmap/")
    phone.wait_for_selector(".driver-diagram--enhanced")
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < ROADMAP_MAX_HEIGHT, f"the roadmap is {height}px tall on a phone"
    assert phone.locator(".driver-diagram__list--primary").is_hidden()
    phone.get_by_text("Open the driver diagram").click()
    assert phone.locator(f"{PRIMARY} h3").first.is_visible()
    assert phone.locator(".driver-diagram__list--secondary:visible").count() == 0, "each branch starts closed"
    phone.locator(f"{PRIMARY} .driver-diagram__toggle").first.click()
    assert phone.locator(".driver-diagram__list--secondary:visible").count() == 1
    assert phone.locator(".driver-diagram__columns").is_hidden()
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def test_on_a_phone_milestones_come_a_page_at_a_time_grouped_by_workstream(phone, demo_server):
    phone.goto(demo_server + "/roadmap/milestones/")
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < MILESTONES_MAX_HEIGHT, f"the milestones page is {height}px tall on a phone"
    assert phone.locator(".roadmap-timeline__item").count() == 6
    assert "24 milestones, page 1 of 4" in phone.locator(".portal-count").inner_text()
    index = phone.locator(".roadmap-workstream-index li")
    assert index.count() == 6 and "(4 milestones)" in index.first.inner_text()
    assert_fits_width(phone)
    assert_no_axe_violations(phone)

    phone.get_by_text("Filter the milestones").click()
    phone.get_by_label("Status").select_option("on-track")
    phone.get_by_role("button", name="Apply filters").click()
    # Focus lands on the new count, on the screen, and the title says what is shown.
    expect(phone.locator("#milestone-count")).to_be_focused()
    count = phone.locator(".portal-count").inner_text()
    assert_on_screen(phone, "#milestone-count")
    assert phone.title().startswith(f"{count.split(',')[0]} (Status: On track) – Milestones")
    if "page 1 of" in count:
        phone.locator(".nhsuk-pagination__next a").click()
        phone.wait_for_url(re.compile(r"page=2"))
        assert "status=on-track" in phone.url and "page=2" in phone.url, "the filter is kept from page to page"
        assert phone.locator(".portal-term--active").inner_text().startswith("Status: On track")


def test_a_link_to_the_last_change_idea_shows_it_on_a_phone(phone, demo_server):
    idea = re.findall(r'id="(change-idea-\d+)"', phone.request.get(demo_server + "/roadmap/").text())[-1]
    phone.goto(f"{demo_server}/roadmap/#{idea}")
    phone.wait_for_selector(".driver-diagram--enhanced")
    box = phone.locator(f"#{idea}").evaluate("(el) => el.getBoundingClientRect().toJSON()")
    top, bottom = box["top"], box["bottom"]
    assert top < 740 and bottom > 0, f"#{idea} is at {top}px to {bottom}px, not on the screen"
    assert phone.locator(f"#{idea} h5").is_visible()


def rendered_font_sizes(page, selector):
    """Each matching SVG text's font size in CSS pixels as drawn: its size in the SVG times the SVG's scale."""
    return page.locator(selector).evaluate_all(
        "els => els.map(el => parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a)"
    )


def test_a_measure_chart_fits_a_phone_with_the_latest_point_and_readable_labels(phone, demo_server):
    phone.goto(demo_server + MEASURE)
    chart = phone.locator("figure.roadmap-chart svg.spc-chart--narrow")
    assert chart.is_visible() and phone.locator("svg.spc-chart--wide").is_hidden()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"the chart spans {box['x']} to {box['x'] + box['width']}"
    latest = chart.locator(".spc-point").last.bounding_box()
    assert latest["x"] >= 0 and latest["x"] + latest["width"] <= 360, "the latest point is on the screen"
    for selector in (".spc-axis-label", ".spc-key-label", ".spc-annotation text"):
        sizes = rendered_font_sizes(phone, f"svg.spc-chart--narrow {selector}")
        assert sizes and min(sizes) >= 14, f"{selector} drawn at {min(sizes):.1f}px"
    assert phone.locator("figure.roadmap-chart [tabindex]").count() == 0, "no tab stop where nothing scrolls"
    assert phone.locator("ol.roadmap-events li").first.inner_text().startswith("1")
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def assert_on_screen(page, selector):
    box = page.locator(selector).bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 740, f"{selector} is off the screen: {box}"


def test_a_measure_page_flags_out_of_date_data_near_the_top_and_keeps_its_figures_folded_on_a_phone(phone, demo_server):
    phone.goto(demo_server + MEASURE)
    notice = phone.locator(".roadmap-stale")
    assert "Out of date" in notice.inner_text() and "No new value since June 2020; expected monthly" in (
        notice.inner_text()
    )
    assert_on_screen(phone, ".roadmap-stale")
    assert phone.locator(".roadmap-summary p").inner_text().startswith("Out of date: no new value since June 2020")
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < MEASURE_MAX_HEIGHT, f"the measure page is {height}px tall on a phone"
    figures = phone.locator("details.roadmap-data")
    assert figures.get_attribute("open") is None and phone.locator(".roadmap-data table").is_hidden()
    assert re.fullmatch(r"Show the figures: \d+ months", figures.locator("summary").inner_text())
    assert_fits_width(phone)
    assert_no_axe_violations(phone)

    figures.locator("summary").click()
    phone.get_by_text("What the chart's lines and signals mean").click()
    assert phone.locator(".roadmap-terms dt").first.is_visible()
    # Each stacked label fits on one line ("Signals" once wrapped as "Sign/als").
    heights = phone.locator(".roadmap-data .nhsuk-table-responsive__heading:visible").evaluate_all(
        "els => els.map(el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
    )
    assert heights and max(heights) < 1.5, f"a stacked label wraps: {max(heights):.1f} lines"
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def test_on_a_phone_the_dashboards_signals_and_chart_rules_are_body_size(phone, demo_server):
    phone.goto(demo_server + "/roadmap/dashboard/")
    for selector in (".roadmap-dashboard .roadmap-signal", ".roadmap-dashboard__term"):
        sizes = phone.locator(selector).evaluate_all("els => els.map(el => parseFloat(getComputedStyle(el).fontSize))")
        assert sizes and min(sizes) >= 16, f"{selector} is {min(sizes)}px"
    signals = phone.locator(".roadmap-dashboard .roadmap-signal").all_inner_texts()
    assert all(re.search(r" (in|from) [A-Z][a-z]+ \d{4}", text) for text in signals if text != "No signal")


def test_the_roadmap_pages_are_valid_html(demo_server):
    urls = [
        "/roadmap/",
        "/roadmap/milestones/",
        "/roadmap/milestones/?page=2",
        "/roadmap/milestones/?status=on-track",
        "/roadmap/dashboard/",
        MEASURE,
    ]
    assert_valid_html({url: fetch(demo_server + url) for url in [*urls, MEASURE + "?baseline=abc"]})


def test_a_reader_goes_from_the_dashboard_to_a_measure_and_changes_its_baseline(phone, demo_server):
    phone.goto(demo_server + "/roadmap/dashboard/")
    assert "Out of date: no new value since" in phone.locator(".roadmap-dashboard").inner_text()
    assert "astronomical" not in " ".join(phone.locator(".roadmap-signal").all_inner_texts())
    link = phone.locator(".roadmap-dashboard__measure a").first
    name = link.inner_text()
    link.click()
    expect(phone.locator("h1")).to_have_text(name)
    assert phone.locator("figure.roadmap-chart svg[role=img]:visible").count() == 1
    phone.get_by_label("Number of points in the baseline").fill("six")
    phone.get_by_role("button", name="Recalculate").click()
    expect(phone).to_have_title(re.compile(r"^Error: "))
    phone.wait_for_function("document.activeElement.classList.contains('nhsuk-error-summary')")
    assert "Enter a whole number from 2 to" in phone.locator(".nhsuk-error-summary").inner_text()
    assert "Enter a whole number from 2 to" in phone.locator(".nhsuk-error-message").inner_text()
    assert phone.get_by_label("Number of points in the baseline").input_value() == "six"
    assert_no_axe_violations(phone)
    phone.get_by_label("Number of points in the baseline").fill("6")
    phone.get_by_role("button", name="Recalculate").click()
    expect(phone.locator("figcaption")).to_contain_text("from the first 6 of")
    # Focus lands on the chart's heading, on the screen, not 2,000 px above the control at the top.
    expect(phone.locator("#chart-heading")).to_be_focused()
    assert_on_screen(phone, "#chart-heading")
    assert_fits_width(phone)
    assert_no_axe_violations(phone)
