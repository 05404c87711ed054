"""On a phone: a search no page has every word of shows pages with some of them, and says so plainly."""

import pytest

from .support import assert_fits_width, assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_a_word_no_page_uses_leaves_the_others_results_on_a_phone(phone, demo_server):
    phone.goto(demo_server + "/search/?q=falls+xylophone")
    notice = phone.locator(".portal-some-words").inner_text()
    assert "No pages have all of the words ‘falls xylophone’. Showing pages with some of them" in notice
    assert int(phone.locator(".portal-count").inner_text().split()[0]) > 0
    assert phone.locator(".portal-no-results").count() == 0
    assert_no_axe_violations(phone)
    assert_fits_width(phone, 360)
