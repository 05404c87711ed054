"""Reading on a 360 px phone, and finding your way with the keyboard: what the first screen shows,
where focus lands after a filter, the header's "More" menu, the suggestions' status, and long words.
"""

import re

import pytest
from playwright.sync_api import expect

from .support import assert_fits_width, assert_no_axe_violations

pytestmark = pytest.mark.browser

SCREEN = 740  # the phone fixture's viewport height


def top_of(page, selector):
    return page.locator(selector).first.evaluate("element => element.getBoundingClientRect().top")


def test_the_header_leaves_most_of_the_first_screen_to_the_page(phone, demo_server):
    phone.goto(demo_server + "/")
    header = phone.locator("header.nhsuk-header").evaluate("element => element.getBoundingClientRect().height")
    # It took 270 px (36%) when the three account links were stacked on two rows.
    assert header <= 0.3 * SCREEN, f"the header is {header:.0f} px of a {SCREEN} px screen"
    tops = {
        phone.get_by_role("link", name=name, exact=True).evaluate("e => e.getBoundingClientRect().top")
        for name in ("Share learning", "Sign in", "Create an account")
    }
    assert len(tops) == 1, "the account links should share one row"


def test_the_home_page_ways_in_are_on_the_first_screen(phone, demo_server):
    phone.goto(demo_server + "/")
    heading = phone.get_by_role("heading", name="Browse by care setting")
    assert heading.evaluate("e => e.getBoundingClientRect().bottom") < SCREEN
    # The first setting can be tapped without scrolling far: it is on the first screen and a half.
    first = phone.locator(".portal-ways-in a.portal-term").first
    assert first.evaluate("e => e.getBoundingClientRect().top") < 1.5 * SCREEN
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def test_a_filtered_listing_shows_its_filters_and_count_on_the_first_screen_of_a_phone(phone, demo_server):
    phone.goto(demo_server + "/case-studies/?tag=falls")
    chip = phone.locator(".portal-active-filters .portal-term--active").first
    assert "falls" in chip.inner_text()
    assert chip.evaluate("e => e.getBoundingClientRect().bottom") < SCREEN
    count = phone.locator("#listing-count")
    assert re.match(r"\d+ items?", count.inner_text())
    assert count.evaluate("e => e.getBoundingClientRect().bottom") < SCREEN
    # The form is folded away on a phone, with a summary saying a filter is chosen; it opens on a tap.
    summary = phone.locator(".portal-filter-details summary")
    assert summary.inner_text().strip() == "Filter (1 chosen)"
    assert not phone.get_by_label("Care setting").is_visible()
    summary.click()
    assert phone.get_by_label("Care setting").is_visible()
    assert_fits_width(phone)
    assert_no_axe_violations(phone)


def test_on_a_wide_screen_the_listing_filters_stay_open(page, demo_server):
    page.goto(demo_server + "/case-studies/")
    assert page.get_by_label("Care setting").is_visible()


def test_after_a_search_filter_focus_lands_on_the_new_count_and_the_title_says_it(page, demo_server):
    page.goto(demo_server + "/search/?q=falls")
    page.locator(".portal-facets summary").first.click()
    page.locator(".portal-facet__link").first.click()
    page.wait_for_load_state()
    focused = page.evaluate("document.activeElement.id")
    assert focused == "search-count"
    count = page.locator("#search-count").inner_text()
    assert re.match(r"\d+ results? for ‘falls’", count)
    number = count.split(" ", 1)[0]
    assert page.title().startswith(f"{number} result")
    assert "(" in page.title(), "the title names the filter chosen"

    # Removing it with its chip lands on the count again.
    page.locator(".portal-active-filters .portal-term--active").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "search-count"


def test_after_applying_listing_filters_focus_lands_on_the_count(page, demo_server):
    page.goto(demo_server + "/learning/")
    page.get_by_label("Care setting").select_option("care-homes")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "listing-count"
    # A plain visit to a page still opens at the top, with nothing focused.
    page.goto(demo_server + "/learning/")
    assert page.evaluate("document.activeElement.tagName") == "BODY"


def test_escape_in_the_more_menu_gives_focus_back_to_its_button_and_tabbing_out_closes_it(phone, demo_server):
    phone.goto(demo_server + "/")
    toggle = phone.locator(".nhsuk-header__menu-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('.nhsuk-header__menu-list') !== null")
    phone.keyboard.press("Escape")
    # The design system closes the menu; portal.js then gives focus back, a task later.
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()

    toggle.click()
    links = phone.locator(".nhsuk-header__menu-list a")
    for _ in range(links.count() + 1):
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('.nhsuk-header__menu') === null")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(phone.locator(".nhsuk-header__menu-list")).to_be_hidden()


def test_the_header_settles_before_the_first_paint_and_without_its_scripts_keeps_every_link(browser, demo_server):
    """The page is marked for the design system's scripts before anything is drawn, so the
    header never collapses into "More" under the reader's eyes; and if the scripts never arrive,
    the mark comes off and every navigation link stays on the screen, as without JavaScript."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.add_init_script(
            "window.__shifts = 0; new PerformanceObserver(list => list.getEntries()"
            ".forEach(entry => { window.__shifts += entry.value; })).observe({type: 'layout-shift', buffered: true});"
        )
        page.goto(demo_server + "/")
        expect(page.locator(".nhsuk-header__menu-toggle")).to_be_visible()
        page.wait_for_timeout(500)
        assert page.evaluate("window.__shifts") < 0.01

        context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
        page.goto(demo_server + "/")
        assert "nhsuk-frontend-supported" not in page.evaluate("document.body.className")
        expect(page.locator(".nhsuk-header__menu-toggle")).to_be_hidden()
        links = page.locator("a.nhsuk-header__navigation-link")
        assert links.count() >= 5
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, links.nth(index).inner_text()
    finally:
        context.close()


def test_a_search_with_no_suggestions_is_announced(page, demo_server):
    page.goto(demo_server + "/")
    page.locator("#search-field").press_sequentially("qqxzv")
    status = page.locator("#search-field ~ [role='status'], .nhsuk-input-wrapper ~ [role='status']").first
    status.wait_for(state="attached")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=status]')].some(e => e.textContent.includes('No pages suggested'))"
    )


def test_long_unbroken_words_urls_and_email_addresses_never_widen_a_page(phone, demo_server, demo_shell):
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 5
    url = "https://example.org/" + "a-very-long-path/" * 20
    email = "registered.manager." + "x" * 120 + "@example.org"
    demo_shell(
        "from learning.models import LearningIndexPage\n"
        "from learning.factories import LearningNotePageFactory\n"
        "index = LearningIndexPage.objects.get()\n"
        f"LearningNotePageFactory(parent=index, slug='long-words', title={word!r}, date='2001-01-01',\n"
        f"    summary={url!r}, what_we_tried={email!r}, tags=[{('z' * 100)!r}])\n"
    )
    phone.goto(demo_server + "/learning/long-words/")
    assert phone.get_by_role("heading", level=1).inner_text().replace("\n", "") == word
    assert_fits_width(phone)
    phone.get_by_role("link", name="z" * 100).click()
    assert_fits_width(phone)
    phone.goto(demo_server + "/learning/?page=999")
    assert_fits_width(phone)


# Each table cell at least as wide as its longest ordinary word (up to 20 letters): a rule that
# lets words break "anywhere" squeezed columns until "Actions" read "Action s".
BROKEN_WORDS_JS = """() => {
  const broken = [];
  const probe = document.createElement('span');
  probe.style.whiteSpace = 'nowrap';
  probe.style.position = 'absolute';
  probe.style.visibility = 'hidden';
  for (const cell of document.querySelectorAll('main th, main td')) {
    if (!cell.offsetParent) continue;
    const words = cell.innerText.split(/\\s+/).filter(w => w.length > 1 && w.length <= 20);
    if (!words.length) continue;
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
    const style = getComputedStyle(cell);
    probe.style.font = style.font;
    probe.textContent = longest;
    cell.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (needed > inner + 1) broken.push(`${longest} (${Math.round(needed)} px in ${Math.round(inner)} px)`);
  }
  return broken;
}"""


@pytest.mark.parametrize("path", ["/roadmap/dashboard/", "/roadmap/measures/"])
def test_table_cells_keep_their_words_whole_on_a_phone(phone, demo_server, path):
    phone.goto(demo_server + path)
    links = phone.locator("main a[href*='/roadmap/measures/']")
    if path.endswith("/measures/"):
        links.first.click()  # a measure's own page, with its data table
        phone.wait_for_load_state()
    assert phone.locator("main table").count() > 0
    assert phone.evaluate(BROKEN_WORDS_JS) == []
    assert_fits_width(phone)
