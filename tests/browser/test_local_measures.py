"""Entering a month's local figures on a phone, in Chromium, against the demo site.

Grace Okafor (``carehome``) keeps Kersal Brook Care Home's figures. Every page on
the way is checked with axe-core, at 360 px wide, and by the Nu HTML Checker; the
public measure page shows the roll-up, never her home's own months.
"""

import pytest
from playwright.sync_api import expect

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html, fetch

pytestmark = pytest.mark.browser


def sign_in(page, base):
    page.goto(base + "/accounts/login/?next=/my-organisation/measures/")
    page.fill("input[name=login]", "carehome@example.org")
    page.fill("input[name=password]", "demo-carehome-pass")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_url(base + "/my-organisation/measures/")


def check(page, documents, step):
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[f"{step} ({page.url})"] = page.content()


def test_a_care_home_manager_enters_a_month_on_a_phone(phone, demo_server, tmp_path):
    documents = {}
    sign_in(phone, demo_server)
    assert phone.locator("h1").inner_text() == "Local measures"
    assert "Kersal Brook Care Home" in phone.locator(".nhsuk-caption-l").inner_text()
    check(phone, documents, "list of measures")

    phone.get_by_role("link", name="Falls").click()
    expect(phone.locator("h1")).to_have_text("Falls")
    assert "Never enter anything about a patient" in phone.locator(".nhsuk-warning-callout").inner_text()
    assert phone.locator("svg.spc-chart--narrow").is_visible()
    check(phone, documents, "measure page")

    # Text where a count goes: refused next to the box, and what was typed stays.
    # The demo holds every month up to last month: the box offers last month and says she is up to date.
    last_month = phone.locator("#id_month option").first.inner_text()
    assert phone.locator("#id_month").input_value() == phone.locator("#id_month option").first.get_attribute("value")
    assert f"You are up to date: the figures for {last_month} are in." in phone.locator("main").inner_text()
    phone.locator("#id_numerator").fill("three")
    phone.locator("#id_denominator").fill("0")
    phone.get_by_role("button", name="Save the month").click()
    phone.wait_for_load_state()
    summary = phone.locator(".nhsuk-error-summary").inner_text()
    assert "Enter the number of falls in figures" in summary
    assert "Occupied bed days cannot be 0" in summary
    group = phone.locator(".nhsuk-form-group--error", has=phone.locator("#id_numerator"))
    assert "in figures" in group.locator(".nhsuk-error-message").inner_text()
    assert phone.locator("#id_numerator").input_value() == "three"
    check(phone, documents, "measure page with errors")

    # The demo already holds last month: the form offers to correct it instead.
    phone.locator("#id_numerator").fill("3")
    phone.locator("#id_denominator").fill("899")
    phone.get_by_role("button", name="Save the month").click()
    phone.wait_for_load_state()
    assert f"You have already entered {last_month}" in phone.locator(".nhsuk-error-summary").inner_text()
    check(phone, documents, "offer to correct")
    phone.get_by_label("Replace the figures already entered for this month").check()
    phone.get_by_role("button", name="Save the month").click()
    phone.wait_for_load_state()
    assert f"Changed the figures for {last_month}" in phone.locator(".nhsuk-notification-banner").inner_text()
    figures = phone.locator("details.roadmap-data")
    figures.locator("summary").click()
    assert f"{last_month}" in figures.locator("tbody tr").first.inner_text()
    assert "Changed by Grace Okafor" in figures.locator("tbody tr").first.inner_text()
    check(phone, documents, "after saving")

    phone.get_by_role("link", name="Upload several months from a CSV file").click()
    expect(phone.locator("h1")).to_have_text("Upload several months")
    bad = tmp_path / "falls.csv"
    bad.write_text("month,numerator,denominator\n2020-01,-1,900\n")
    phone.set_input_files("#id_file", str(bad))
    phone.get_by_role("button", name="Upload").click()
    phone.wait_for_load_state()
    assert "cannot be less than 0" in phone.locator("table").inner_text()
    check(phone, documents, "upload with errors")

    # The public page shows the care homes' rounded roll-up.
    public = fetch(demo_server + "/roadmap/measures/falls-in-care-homes/")
    assert "What organisations share" in public and "falls over" in public
    assert_valid_html(documents)
