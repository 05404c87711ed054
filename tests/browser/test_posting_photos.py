"""A member's photo survives a mistake on the share form, on a 360 px phone, in Chromium.

Grace Okafor (the demo's ``carehome`` member) chooses a photo, sends the form
with a section missing, and finds her photo still there, shown with its name
and a way to remove it, beside a picker big enough to tap. Each screen is
checked with axe-core, at 360 px wide, and by the Nu HTML Checker.
"""

import pytest

from .support import (
    assert_valid_html,
    check_on_a_phone,
    fill_a_note_but_what_happened,
    sign_in_to_share,
    write_a_photo,
)

pytestmark = pytest.mark.browser

MIN_TARGET = 44  # px: the smallest touch target WCAG 2.2 (2.5.5) and the NHS.UK design system ask for


def picker_height(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box["height"]


def test_a_photo_chosen_before_a_mistake_is_still_there_after_it(phone, demo_server, tmp_path):
    photo = write_a_photo(tmp_path / "drinks-trolley.jpg")
    documents = {}

    sign_in_to_share(phone, demo_server)
    phone.goto(demo_server + "/share/learning-note/")
    picker = phone.get_by_label("Choose photo 1")
    assert picker.get_attribute("type") == "file"
    assert picker_height(phone, "#id_photo_1") >= MIN_TARGET
    hint = phone.locator("#id_photo_1_helptext").inner_text()
    assert "JPEG, PNG or WebP" in hint and "10 MB" in hint
    check_on_a_phone(phone, documents, "form with the photo picker")

    # Everything but "What happened", with a photo and its description.
    fill_a_note_but_what_happened(phone)
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
    check_on_a_phone(phone, documents, "form after the mistake, photo kept")

    # Put the mistake right without choosing the photo again: the post has it.
    phone.get_by_label("What happened").fill("Residents drank more, and night-time falls went down.")
    phone.get_by_role("button", name="Save and preview").click()
    phone.wait_for_load_state()
    assert "Preview: not published" in phone.locator(".portal-preview-banner").inner_text()
    assert phone.get_by_role("img", name="A drinks trolley with jugs and coloured cups").is_visible()

    assert_valid_html(documents)
