"""The roadmap's driver diagram with and without JavaScript, in Debian's Chromium.

Without JavaScript the diagram is nested lists with headings, which is also
what screen readers read; js/driver-diagram.js only adds a column layout and
show/hide buttons. Both must pass axe.
"""

import re

import pytest

from .support import assert_fits_width, assert_no_axe_violations

pytestmark = pytest.mark.browser

DIAGRAM = ".driver-diagram"
PRIMARY = ".driver-diagram__list--primary > li"
HEADINGS = ".driver-diagram h3, .driver-diagram h4, .driver-diagram h5"


def diagram_outline(page):
    """The text of every driver and change idea heading, level by level, in reading order."""
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

    axe-core cannot run where JavaScript is disabled (its checks never finish), and the
    site has no inline scripts, so blocking its script files gives the same page.
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


def test_on_a_phone_the_enhanced_diagram_stays_a_list_that_fits(phone, demo_server):
    phone.goto(demo_server + "/roadmap/")
    phone.wait_for_selector(".driver-diagram--enhanced")
    assert phone.locator(".driver-diagram__columns").is_hidden()
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def test_a_link_to_the_last_change_idea_shows_it_on_a_phone(phone, demo_server):
    idea = re.findall(r'id="(change-idea-\d+)"', phone.request.get(demo_server + "/roadmap/").text())[-1]
    phone.goto(f"{demo_server}/roadmap/#{idea}")
    phone.wait_for_selector(".driver-diagram--enhanced")
    box = phone.locator(f"#{idea}").evaluate("(el) => el.getBoundingClientRect().toJSON()")
    top, bottom = box["top"], box["bottom"]
    assert top < 740 and bottom > 0, f"#{idea} is at {top}px to {bottom}px, not on the screen"
    assert phone.locator(f"#{idea} h5").is_visible()


def test_a_reader_goes_from_the_dashboard_to_a_measure_and_changes_its_baseline(phone, demo_server):
    phone.goto(demo_server + "/roadmap/dashboard/")
    link = phone.locator(".roadmap-dashboard__measure a").first
    name = link.inner_text()
    link.click()
    assert phone.locator("h1").inner_text() == name
    assert phone.locator("figure.roadmap-chart svg[role=img]").count() == 1
    phone.get_by_label("Number of points in the baseline").fill("1")
    phone.get_by_role("button", name="Recalculate").click()
    assert "Enter a whole number from 2 to" in phone.locator(".nhsuk-error-message").inner_text()
    phone.get_by_label("Number of points in the baseline").fill("6")
    phone.get_by_role("button", name="Recalculate").click()
    assert "from the first 6 of" in phone.locator("figcaption").inner_text()
    assert_fits_width(phone)
    assert_no_axe_violations(phone)
