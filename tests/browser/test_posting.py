"""Posting a learning note from a phone, in Chromium, against the demo site.

The demo's approved member, Grace Okafor (``carehome``), signs in with her
email address on the public sign-in page. Each page on the way is checked with
axe-core, at 360 px wide, and by the Nu HTML Checker.
"""

import io
import re

import pytest
from PIL import Image

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html

pytestmark = pytest.mark.browser


def sign_in(page, base):
    page.goto(base + "/accounts/login/?next=/share/")
    page.fill("input[name=login]", "carehome@example.org")
    page.fill("input[name=password]", "demo-carehome-pass")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_url(base + "/share/")


def check(page, documents, step):
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[f"{step} ({page.url})"] = page.content()


def test_a_member_posts_a_learning_note_with_a_photo_from_a_phone(phone, demo_server, tmp_path):
    photo = tmp_path / "drinks-trolley.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 110, 180)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    documents = {}

    sign_in(phone, demo_server)
    assert phone.locator("h1").inner_text() == "Share your learning"
    check(phone, documents, "landing page")

    phone.get_by_role("link", name="Report a peer visit").click()
    assert phone.locator("h1").inner_text() == "Report a peer visit"
    check(phone, documents, "peer-visit form")

    phone.goto(demo_server + "/share/learning-note/")
    assert phone.locator("h1").inner_text() == "Share learning"
    assert phone.get_by_label("Your name").input_value() == "Grace Okafor"
    check(phone, documents, "learning-note form")

    # Send it with one section missing: the error sits next to that field and nothing typed is lost.
    phone.get_by_label("Title").fill("Evening drinks round on the first floor")
    phone.get_by_label("Summary").fill("A drinks round at 9pm and fewer falls at night.")
    phone.get_by_label("What we tried").fill("A drinks round at nine, with a choice of warm drinks.")
    phone.get_by_label("What we learned").fill("Thirst wakes residents, and then they get up alone.")
    phone.get_by_label("What we would advise").fill("Start on one corridor and ask the night staff.")
    phone.get_by_label("Care homes", exact=True).check()
    phone.get_by_label("Reliability", exact=True).check()
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_load_state()
    summary = phone.locator(".nhsuk-error-summary")
    assert "Say what happened" in summary.inner_text()
    group = phone.locator(".nhsuk-form-group--error", has=phone.locator("#id_what_happened"))
    assert "Say what happened" in group.locator(".nhsuk-error-message").inner_text()
    assert phone.get_by_label("Title").input_value() == "Evening drinks round on the first floor"
    assert phone.get_by_label("What we tried").input_value().startswith("A drinks round at nine")
    assert phone.get_by_label("Care homes", exact=True).is_checked()
    check(phone, documents, "learning-note form with an error")

    phone.get_by_label("What happened").fill("Residents drank more, and night-time falls went down.")
    phone.set_input_files("#id_photo_1", str(photo))
    phone.get_by_label("Describe photo 1").fill("A drinks trolley with jugs and coloured cups")
    phone.get_by_role("button", name="Save and preview").click()
    phone.wait_for_load_state()
    assert "Preview: not published" in phone.locator(".portal-preview-banner").inner_text()
    image = phone.get_by_role("img", name="A drinks trolley with jugs and coloured cups")
    assert image.get_attribute("width") == "800"
    check(phone, documents, "preview")

    phone.get_by_role("link", name="Go back and change it").click()
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_url(demo_server + "/share/mine/")
    card = phone.locator(".portal-contribution", has_text="Evening drinks round on the first floor")
    assert re.search(r"Status:\s*In review", card.inner_text())
    check(phone, documents, "my contributions")

    assert_valid_html(documents)
