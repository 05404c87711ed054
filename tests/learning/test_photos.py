"""Photos are judged by their content through Pillow, cleaned of EXIF, and shown with alt text."""

import io
import re

import pytest
from django import forms
from PIL import Image
from wagtail.images.tests.utils import get_test_image_file

from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from learning.models import LearningNotePagePhoto, PeerVisitReportPagePhoto
from learning.photos import DAMAGED, NOT_A_PHOTO, TOO_BIG, TOO_MANY_PIXELS, clean_photo

from .conftest import photo_bytes, upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


def message_for(content, name="photo.jpg"):
    with pytest.raises(forms.ValidationError) as raised:
        clean_photo(upload(content, name))
    return raised.value.messages[0]


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_keep_their_format(image_format):
    cleaned = clean_photo(upload(photo_bytes(image_format), name="anything.bin"))
    assert Image.open(io.BytesIO(cleaned.read())).format == image_format
    assert cleaned.name.endswith({"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[image_format])


def test_an_svg_renamed_png_is_refused():
    assert message_for(SVG, "chart.png") == NOT_A_PHOTO


def test_a_text_file_renamed_jpg_is_refused():
    assert message_for(b"Handover notes for Tuesday\n" * 20, "notes.jpg") == NOT_A_PHOTO


def test_a_gif_is_refused_even_though_pillow_reads_it():
    assert message_for(photo_bytes("GIF"), "photo.gif") == NOT_A_PHOTO


def test_a_file_over_10_mb_is_refused_before_it_is_opened():
    assert message_for(b"\xff" * (12 * 1024 * 1024)) == TOO_BIG


def test_a_100_megapixel_png_is_refused_as_a_decompression_bomb():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 10 * 1024 * 1024  # small on disk: only its pixel count gives it away
    assert message_for(buffer.getvalue(), "bomb.png") == TOO_MANY_PIXELS


def test_a_photo_over_40_megapixels_but_under_pillows_limit_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (8_000, 6_000)).save(buffer, format="PNG")
    assert message_for(buffer.getvalue(), "big.png") == TOO_MANY_PIXELS


def test_a_truncated_jpeg_is_refused():
    whole = photo_bytes("JPEG", size=(400, 300))
    assert message_for(whole[: len(whole) // 2]) == DAMAGED


def test_exif_including_location_is_removed():
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x8825] = {1: "N", 2: (53.0, 29.0, 0.0), 3: "W", 4: (2.0, 17.0, 0.0)}  # GPSInfo
    original = photo_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo really has EXIF
    cleaned = Image.open(io.BytesIO(clean_photo(upload(original)).read()))
    assert not cleaned.getexif()
    assert "exif" not in cleaned.info


def test_the_camera_orientation_is_applied_before_exif_goes():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    cleaned = Image.open(io.BytesIO(clean_photo(upload(photo_bytes("JPEG", size=(40, 30), exif=exif))).read()))
    assert cleaned.size == (30, 40)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "photo_model", "fixture"),
    [
        (LearningNotePageFactory, LearningNotePagePhoto, "learning_index"),
        (PeerVisitReportPageFactory, PeerVisitReportPagePhoto, "peer_visit_index"),
    ],
)
def test_a_page_shows_its_photos_with_alt_text_size_and_caption(client, request, factory, photo_model, fixture):
    from wagtail.images.models import Image as WagtailImage

    page = factory(parent=request.getfixturevalue(fixture))
    image = WagtailImage.objects.create(title="cups", file=get_test_image_file(size=(1600, 1200)))
    photo_model.objects.create(page=page, image=image, alt_text='Cups <b>"yellow"</b>', caption="Our new cups")
    html = client.get(page.url).content.decode()
    assert 'alt="Cups &lt;b&gt;&quot;yellow&quot;&lt;/b&gt;"' in html
    [img] = re.findall("<img[^>]*>", html)
    assert 'width="800"' in img and 'height="600"' in img
    assert "<figcaption" in html and "Our new cups" in html
    assert "/media/images/" in html  # a rendition, not the original upload
