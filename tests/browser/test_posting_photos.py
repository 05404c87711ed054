"""A member's photo survives a mistake on the share form, on a 360 px phone, in Chromium.

Grace Okafor (the demo's ``carehome`` member) chooses a photo, sends the form
with a section missing, and finds her photo still there, shown with its name
and a way to remove it, beside a picker big enough to tap. Each screen is
checked with axe-core, at 360 px wide, and by the Nu HTML Checker.
"""

import io

import pytest
from PIL import Image

from .support import assert_fits_width, assert_no_axe_violations, assert_valid_html
from .test_posting import sign_in

pytestmark = pytest.mark.browser

MIN_TARGET = 44  # px: the smallest touch target WCAG 2.2 (2.5.5) and the NHS.UK design system ask for


def check(page, documents, step):
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[f"{step} ({page.url})"] = page.content()


def picker_height(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box["height"]


def test_a_photo_chosen_before_a_mistake_is_still_there_after_it(phone, demo_server, tmp_path):
    photo = tmp_path / "drinks-trolley.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 110, 180)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    documents = {}

    sign_in(phone, demo_server)
    phone.goto(demo_server + "/share/learning-note/")
    picker = phone.get_by_label("Choose photo 1")
    assert picker.get_attribute("type") == "file"
    assert picker_height(phone, "#id_photo_1") >= MIN_TARGET
    hint = phone.locator("#id_photo_1_helptext").inner_text()
    assert "JPEG, PNG or WebP" in hint and "10 MB" in hint
    check(phone, documents, "form with the photo picker")

    # Everything but "What happened", with a photo and its description.
    phone.get_by_label("Title").fill("Evening drinks round on the first floor")
    phone.get_by_label("Summary").fill("A drinks round at 9pm and fewer falls at night.")
    phone.get_by_label("What we tried").fill("A drinks round at nine, with a choice of warm drinks.")
    phone.get_by_label("What we learned").fill("Thirst wakes residents, and then they get up alone.")
    phone.get_by_label("What we would advise").fill("Start on one corridor and ask the night staff.")
    phone.get_by_label("Care homes", exact=True).check()
    phone.get_by_label("Reliability", exact=True).check()
    picker.set_input_files(str(photo))
    phone.get_by_label("Describe photo 1").fill("A drinks trolley with jugs and coloured cups")
    phone.get_by_role("button", name="Send for review").click()
    phone.wait_for_load_state()

    assert "Say what happened" in phone.locator(".nhsuk-error-summary").inner_text()
    slot = phone.locator("fieldset", has=phone.locator("legend", has_text="Photo 1 (optional)"))
    assert "You chose drinks-trolley.jpg" in slot.inner_text()
    thumbnail = slot.locator("img.portal-photo-slot__image")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    assert thumbnail.bounding_box()["width"] <= 360
    assert phone.get_by_label("Describe photo 1").input_value() == "A drinks trolley with jugs and coloured cups"
    assert slot.get_by_label("Remove photo 1").is_visible()
    assert picker_height(phone, "#id_photo_1") >= MIN_TARGET  # "Choose a different photo"
    assert picker_height(phone, "#id_photo_2") >= MIN_TARGET
    check(phone, documents, "form after the mistake, photo kept")

    # Put the mistake right without choosing the photo again: the post has it.
    phone.get_by_label("What happened").fill("Residents drank more, and night-time falls went down.")
    phone.get_by_role("button", name="Save and preview").click()
    phone.wait_for_load_state()
    assert "Preview: not published" in phone.locator(".portal-preview-banner").inner_text()
    assert phone.get_by_role("img", name="A drinks trolley with jugs and coloured cups").is_visible()

    assert_valid_html(documents)
