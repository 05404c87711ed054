"""Photos are judged by their content through Pillow, cleaned of EXIF, and shown with alt text."""

import io
import re
import struct

import pytest
from django import forms
from PIL import Image, ImageCms, ImageFile, PngImagePlugin
from wagtail.images.tests.utils import get_test_image_file

from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from learning.models import LearningNotePagePhoto, PeerVisitReportPagePhoto
from learning.photos import clean_photo

from .conftest import photo_bytes, upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


NOT_A_PHOTO = "is not a JPEG, PNG or WebP photo"
TOO_MANY_PIXELS = "the most we take is 25 megapixels"
SECRET = b"Room 12, Mrs Example, 4 Kersal Road"


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
    assert message_for(SVG, "chart.png").startswith("chart.png " + NOT_A_PHOTO)


def test_a_text_file_renamed_jpg_is_refused():
    assert NOT_A_PHOTO in message_for(b"Handover notes for Tuesday\n" * 20, "notes.jpg")


def test_a_gif_is_refused_even_though_pillow_reads_it():
    assert NOT_A_PHOTO in message_for(photo_bytes("GIF"), "photo.gif")


def test_a_file_over_10_mb_is_refused_before_it_is_opened():
    assert message_for(b"\xff" * (12 * 1024 * 1024), "huge.jpg") == (
        "huge.jpg is 12.0 MB: the most we take is 10 MB. "
        "Choose a smaller photo, or send it from your phone at a smaller size."
    )


def test_a_100_megapixel_png_is_refused_as_a_decompression_bomb():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 10 * 1024 * 1024  # small on disk: only its pixel count gives it away
    assert TOO_MANY_PIXELS in message_for(buffer.getvalue(), "bomb.png")


def big_png(width, height):
    """A PNG that is small on disk (one bit a pixel, all black) but large once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_6300_pixel_square_png_is_refused_from_its_header_without_decoding(monkeypatch):
    """The review's photo: 39.7 megapixels, under Pillow's own limit, once accepted and decoded at great cost."""
    content = big_png(6300, 6300)

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the photo was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(Image.Image, "verify", no_decoding)
    assert message_for(content, "falls-board.png") == (
        "falls-board.png is 6,300 by 6,300 pixels (39.7 megapixels): the most we take is 25 megapixels. "
        "Make the photo smaller, or take it at a lower resolution, then choose it again."
    )


def test_a_24_megapixel_phone_photo_is_accepted():
    cleaned = clean_photo(upload(big_png(5712, 4284), "phone.png"))
    assert Image.open(io.BytesIO(cleaned.read())).size == (5712, 4284)


def test_a_very_long_file_name_is_shortened_in_the_message():
    message = message_for(SVG, "a" * 200 + ".png")
    assert message.startswith("a" * 57 + "... " + NOT_A_PHOTO)


def test_a_truncated_jpeg_is_refused():
    whole = photo_bytes("JPEG", size=(400, 300))
    assert message_for(whole[: len(whole) // 2], "half.jpg") == (
        "half.jpg seems to be damaged or only partly uploaded. Try choosing it again."
    )


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


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_every_kind_of_metadata():
    """A JPEG carrying EXIF, XMP, an ICC profile, IPTC, a vendor APP15 block and a comment."""
    plain = photo_bytes("JPEG", size=(40, 30))
    exif = Image.Exif()
    exif[0x010E] = SECRET.decode()  # ImageDescription
    extra = b"".join(
        [
            segment(0xE1, exif.tobytes()),  # starts "Exif\0\0"
            segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + SECRET + b"</x:xmpmeta>"),
            segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + srgb_profile()),
            segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(SECRET)) + SECRET),
            segment(0xEF, b"VENDOR" + SECRET),
            segment(0xFE, SECRET),
        ]
    )
    return plain[:2] + extra + plain[2:]


def jpeg_markers(content):
    """Each segment marker before the image data starts (start of scan)."""
    markers, offset = [], 2
    while content[offset + 1] != 0xDA:
        marker = content[offset + 1]
        markers.append(marker)
        offset += 2 + struct.unpack(">H", content[offset + 2 : offset + 4])[0]
    return markers


def png_chunks(content):
    chunks, offset = [], 8
    while offset < len(content):
        length = struct.unpack(">I", content[offset : offset + 4])[0]
        chunks.append(content[offset + 4 : offset + 8].decode())
        offset += 12 + length
    return chunks


def webp_chunks(content):
    chunks, offset = [], 12
    while offset < len(content):
        length = struct.unpack("<I", content[offset + 4 : offset + 8])[0]
        chunks.append(content[offset : offset + 4].decode())
        offset += 8 + length + (length % 2)
    return chunks


def test_every_metadata_segment_is_stripped_from_a_jpeg():
    original = jpeg_with_every_kind_of_metadata()
    assert {0xE1, 0xE2, 0xED, 0xEF, 0xFE} <= set(jpeg_markers(original))
    assert Image.open(io.BytesIO(original)).info["comment"] == SECRET  # Pillow reads what we built
    cleaned = clean_photo(upload(original)).read()
    markers = jpeg_markers(cleaned)
    assert not [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE], [hex(m) for m in markers]
    assert SECRET not in cleaned


def test_every_metadata_chunk_is_stripped_from_a_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Description", SECRET.decode(), zip=True)
    info.add_itxt("Author", SECRET.decode(), lang="en")
    info.add(b"tIME", b"\x07\xea\x03\x01\x0c\x00\x00")
    exif = Image.Exif()
    exif[0x010E] = SECRET.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(
        buffer, format="PNG", pnginfo=info, exif=exif, icc_profile=srgb_profile(), dpi=(300, 300)
    )
    original = buffer.getvalue()
    assert {"tEXt", "zTXt", "iTXt", "eXIf", "iCCP", "tIME", "pHYs"} <= set(png_chunks(original))
    cleaned = clean_photo(upload(original, "chart.png")).read()
    assert set(png_chunks(cleaned)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}
    assert SECRET not in cleaned


def test_a_palette_png_keeps_its_transparency():
    buffer = io.BytesIO()
    Image.new("P", (40, 30), 0).save(buffer, format="PNG", transparency=0)
    cleaned = Image.open(io.BytesIO(clean_photo(upload(buffer.getvalue(), "logo.png")).read()))
    assert cleaned.info.get("transparency") == 0


def test_every_metadata_chunk_is_stripped_from_a_webp():
    exif = Image.Exif()
    exif[0x010E] = SECRET.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(
        buffer, format="WEBP", exif=exif, xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>", icc_profile=srgb_profile()
    )
    original = buffer.getvalue()
    assert {"EXIF", "XMP ", "ICCP"} <= set(webp_chunks(original))
    cleaned = clean_photo(upload(original, "chart.webp")).read()
    assert not {"EXIF", "XMP ", "ICCP"} & set(webp_chunks(cleaned))
    assert SECRET not in cleaned


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


@pytest.mark.django_db
def test_the_stored_file_of_a_posted_photo_carries_no_metadata(member_client, indexes):
    from pathlib import Path

    from django.conf import settings

    from learning.models import LearningNotePage

    from .conftest import learning_note_data

    data = learning_note_data(action="draft", photo_1=upload(jpeg_with_every_kind_of_metadata()), photo_1_alt="Jugs")
    assert member_client.post("/share/learning-note/", data).status_code == 302
    image = LearningNotePage.objects.get().get_latest_revision_as_object().photos.get().image
    stored = (Path(settings.PRIVATE_MEDIA_ROOT) / image.file.name).read_bytes()
    assert not [m for m in jpeg_markers(stored) if 0xE1 <= m <= 0xEF or m == 0xFE]
    assert SECRET not in stored
