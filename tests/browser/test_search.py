"""Searching the demo site in Chromium: the header box's suggestions, facets and chips, with and without JavaScript.

Each step is checked with axe-core (WCAG 2.2 AA); the phone steps also for
horizontal scrolling at 360 px.
"""

import re

import pytest

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html, check_on_a_phone

pytestmark = pytest.mark.browser

BOX = "Search the Safety Learning Portal"


def count(page):
    return int(page.locator(".portal-count").inner_text().split()[0])


def choose_facet(page, heading, label):
    """Open the filters (folded away on a phone) and a facet's group, and follow one of its values."""
    filters = page.locator("details.portal-search-filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").first.click()
    group = page.locator("details.portal-facet", has=page.locator("summary", has_text=heading))
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    group.get_by_role("link", name=re.compile(rf"^{re.escape(label)} \(")).click()


def test_the_header_box_suggests_pages_as_you_type(page, demo_server):
    page.goto(demo_server + "/")
    box = page.get_by_role("combobox", name=BOX)
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("fal", delay=50)
    listbox = page.get_by_role("listbox", name="Suggested pages")
    listbox.wait_for(state="visible")
    options = listbox.get_by_role("option")
    assert options.count() >= 3
    assert all("fal" in text.lower() for text in options.all_inner_texts())
    assert box.get_attribute("aria-expanded") == "true"
    assert "pages suggested" in page.locator("search [role=status]").inner_text()
    assert_no_axe_violations(page)

    box.press("ArrowDown")
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert box.evaluate("element => element === document.activeElement")
    box.press("ArrowUp")
    assert options.last.get_attribute("aria-selected") == "true"
    box.press("Escape")
    assert listbox.is_hidden() and box.get_attribute("aria-expanded") == "false"

    box.press("ArrowDown")
    title = options.first.locator(".portal-suggestions__title").inner_text()
    box.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert_no_axe_violations(page)


def test_a_suggestion_can_be_clicked_on_a_phone(phone, demo_server):
    phone.goto(demo_server + "/")
    box = phone.get_by_role("combobox", name=BOX)
    box.press_sequentially("hydration", delay=30)
    option = phone.get_by_role("option").first
    option.wait_for(state="visible")
    assert_fits_width(phone, 360)
    assert_no_axe_violations(phone)
    title = option.locator(".portal-suggestions__title").inner_text()
    option.click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == title


def test_search_pick_a_facet_and_remove_its_chip(page, demo_server):
    page.goto(demo_server + "/")
    box = page.get_by_role("combobox", name=BOX)
    box.fill("falls")
    box.press("Enter")
    page.wait_for_url("**/search/?q=falls")
    everything = count(page)
    assert everything > 3
    assert page.locator(".portal-hit__snippet mark").count() > 0
    assert_no_axe_violations(page)

    choose_facet(page, "Care setting", "Care homes")
    page.wait_for_url(re.compile(r".*setting=care-homes.*"))
    narrowed = count(page)
    assert 0 < narrowed < everything
    chip = page.locator(".portal-active-filters").get_by_role("link", name=re.compile("Care homes"))
    assert chip.is_visible()
    assert_no_axe_violations(page)

    choose_facet(page, "Type", "Learning note")
    page.wait_for_url(re.compile(r".*type=learning-note.*"))
    assert count(page) <= narrowed
    assert page.locator(".portal-active-filters li").count() == 2
    assert_no_axe_violations(page)

    page.locator(".portal-active-filters").get_by_role("link", name=re.compile("Care homes")).click()
    page.wait_for_url(re.compile(r"^(?!.*setting=).*type=learning-note.*"))
    assert page.locator(".portal-active-filters li").count() == 1
    page.get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(re.compile(r".*/search/\?q=falls$"))
    assert count(page) == everything
    assert_no_axe_violations(page)


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_the_filters_one_tap_away(phone, demo_server):
    documents = {}
    phone.goto(demo_server + "/search/?q=falls")
    first = phone.locator(".portal-hit").first
    assert first.evaluate("e => e.getBoundingClientRect().top") < 740  # the phone fixture's screen height
    summary = phone.locator(".portal-search-filters > summary")
    assert summary.inner_text().strip() == "Filter results"
    assert not phone.locator(".portal-facet").first.is_visible()
    check_on_a_phone(phone, documents, "folded")

    choose_facet(phone, "Care setting", "Care homes")
    phone.wait_for_url(re.compile(r".*setting=care-homes.*"))
    assert summary.inner_text().strip() == "Filter results (1 chosen)"
    # The chip naming the filter comes before the results, on the first screen.
    chip = phone.locator(".portal-active-filters .portal-term--active").first
    assert chip.evaluate("e => e.getBoundingClientRect().bottom") < 740
    check_on_a_phone(phone, documents, "filtered")
    assert_valid_html(documents)


def test_on_a_wide_screen_the_search_filters_stay_open(page, demo_server):
    page.goto(demo_server + "/search/?q=falls")
    assert page.locator(".portal-search-filters").get_attribute("open") is not None
    assert page.locator(".portal-facet summary").first.is_visible()


def test_a_typo_is_corrected_and_the_original_is_one_click_away(phone, demo_server):
    phone.goto(demo_server + "/search/?q=fals+at+nigth")
    assert "Showing results for falls at night" in phone.locator(".portal-correction").inner_text()
    assert count(phone) > 0
    assert_no_axe_violations(phone)
    assert_fits_width(phone, 360)
    phone.get_by_role("link", name="fals at nigth").click()
    phone.wait_for_url(re.compile(r".*exact=1.*"))
    assert count(phone) == 0
    phone.get_by_role("link", name="falls at night").click()
    phone.wait_for_url(re.compile(r".*q=falls\+at\+night$"))
    assert count(phone) > 0


@pytest.fixture
def no_script(browser):
    """A phone whose browser runs no JavaScript at all."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def scripts_blocked(browser):
    """A phone where the site's scripts never arrive (a failed download, a strict proxy).

    axe-core needs JavaScript of its own, so the accessibility checks of the
    page without its scripts run here; the page is the same one.
    """
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.route("**/*.js", lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


def search_facet_and_chip_without_scripts(page, demo_server, check=lambda page: None):
    page.goto(demo_server + "/")
    box = page.get_by_label(BOX)
    assert box.get_attribute("role") is None  # a plain search box
    box.fill("falls")
    box.press("Enter")
    page.wait_for_url("**/search/?q=falls")
    everything = count(page)
    assert everything > 3
    assert page.get_by_role("listbox").count() == 0
    check(page)

    choose_facet(page, "Care setting", "Care homes")
    page.wait_for_url(re.compile(r".*setting=care-homes.*"))
    assert count(page) < everything
    check(page)

    page.locator(".portal-active-filters").get_by_role("link", name=re.compile("Care homes")).click()
    page.wait_for_url(re.compile(r".*/search/\?q=falls$"))
    assert count(page) == everything
    check(page)


def test_everything_works_with_javascript_off(no_script, demo_server):
    search_facet_and_chip_without_scripts(no_script, demo_server)


def test_without_its_scripts_the_search_is_accessible_and_fits_a_phone(scripts_blocked, demo_server):
    def check(page):
        assert_no_axe_violations(page)
        assert_fits_width(page, 360)

    search_facet_and_chip_without_scripts(scripts_blocked, demo_server, check)


def test_a_knowledge_page_lists_related_learning(page, demo_server):
    page.goto(demo_server + "/case-studies/kersal-brook-evening-drinks-and-night-falls/")
    related = page.locator(".portal-related")
    assert related.get_by_role("heading", name="Related learning").is_visible()
    links = related.get_by_role("link")
    assert 1 <= links.count() <= 4
    assert_no_axe_violations(page)
