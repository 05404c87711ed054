"""Recording a change idea's status from a phone, in Chromium, against the demo site.

Grace Okafor (``carehome``), the demo's confirmed member at Kersal Brook Care
Home, records that her home has abandoned a change idea: first without the
reason, which is refused next to the field with everything else kept, then with
it. Each page on the way is checked with axe-core, at 360 px wide, and by the
Nu HTML Checker.
"""

import datetime

import pytest

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html

pytestmark = pytest.mark.browser

IDEA = "A medicines round nobody interrupts"


def check(page, documents, step):
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[f"{step} ({page.url})"] = page.content()


def test_a_member_records_a_status_for_a_change_idea_on_a_phone(phone, demo_server):
    documents = {}
    phone.goto(demo_server + "/accounts/login/?next=/my-organisation/")
    phone.fill("input[name=login]", "carehome@example.org")
    phone.fill("input[name=password]", "demo-carehome-pass")
    phone.locator("form").filter(has=phone.locator("input[name=password]")).locator("button[type=submit]").click()
    phone.wait_for_url(demo_server + "/my-organisation/")
    assert phone.locator("h1").inner_text() == "Kersal Brook Care Home"
    assert "An earlier, smaller evening drinks round" in phone.locator("main").inner_text()
    check(phone, documents, "my organisation")

    when = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    phone.get_by_label("Change idea").select_option(label=IDEA)
    phone.get_by_label("Status", exact=True).select_option("abandoned")
    phone.get_by_label("Since when").fill(when)
    phone.get_by_role("button", name="Record status").click()
    phone.wait_for_load_state()

    summary = phone.locator(".nhsuk-error-summary")
    assert "Say why the change idea was abandoned" in summary.inner_text()
    group = phone.locator(".nhsuk-form-group--error", has=phone.locator("#id_reason"))
    assert "Say why the change idea was abandoned" in group.locator(".nhsuk-error-message").inner_text()
    assert phone.get_by_label("Since when").input_value() == when
    assert phone.get_by_label("Status", exact=True).input_value() == "abandoned"
    assert phone.get_by_label("Change idea").locator("option:checked").inner_text() == IDEA
    assert phone.title().startswith("Error: ")
    check(phone, documents, "form with an error")

    phone.get_by_label("Reason or note").fill(
        "Interruptions came from the phone, not from staff; we are trying a new phone rota first."
    )
    phone.get_by_role("button", name="Record status").click()
    phone.wait_for_url(demo_server + "/my-organisation/")
    assert (
        f"Recorded: {IDEA} is abandoned at Kersal Brook Care Home."
        in phone.locator(".nhsuk-notification-banner").inner_text()
    )
    card = phone.locator(".nhsuk-card", has=phone.get_by_role("link", name=IDEA))
    assert "Abandoned" in card.inner_text()
    check(phone, documents, "after recording")

    # The public page counts Kersal Brook as abandoned, and never shows the reason.
    card.get_by_role("link", name=IDEA).click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == IDEA
    assert "Kersal Brook Care Home" in phone.locator("main").inner_text()
    assert "phone rota" not in phone.content()
    check(phone, documents, "change idea page")

    assert_valid_html(documents)


def test_a_member_finds_her_organisation_from_the_more_menu_on_a_phone(phone, demo_server):
    phone.goto(demo_server + "/accounts/login/?next=/")
    phone.fill("input[name=login]", "carehome@example.org")
    phone.fill("input[name=password]", "demo-carehome-pass")
    phone.locator("form").filter(has=phone.locator("input[name=password]")).locator("button[type=submit]").click()
    phone.wait_for_url(demo_server + "/")
    header = phone.locator("header.nhsuk-header").evaluate("element => element.getBoundingClientRect().height")
    assert header <= 0.3 * 740, f"the signed-in header is {header:.0f} px of a 740 px screen"
    assert_fits_width(phone, 360)
    phone.locator(".nhsuk-header__menu-toggle").click()
    phone.locator(".nhsuk-header__menu-list").get_by_role("link", name="Your organisation").click()
    phone.wait_for_url(demo_server + "/my-organisation/")
    assert phone.locator("h1").inner_text() == "Kersal Brook Care Home"
