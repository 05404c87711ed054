"""Pictures are sent as responsive renditions: AVIF and WebP sources, a JPEG fallback, width and height set."""

import re

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from learning.models import LearningNotePagePhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(db):
    return Image.objects.create(title="Drinks trolley", file=get_test_image_file(size=(1600, 1200)))


def pictures(html):
    return re.findall(r"<picture>.*?</picture>", html, re.S)


def attribute(tag, name):
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found and found.group(1)


def check_responsive(block, widths):
    """AVIF then WebP sources and a JPEG <img>, each offering ``widths``; the <img> has width and height."""
    sources = re.findall(r"<source[^>]*>", block)
    assert [attribute(s, "type") for s in sources] == ["image/avif", "image/webp"]
    for source, extension in zip(sources, ["avif", "webp"], strict=True):
        offered = re.findall(rf"\.{extension} (\d+)w", attribute(source, "srcset"))
        assert sorted(map(int, offered)) == sorted(widths)
        assert attribute(source, "sizes")
    [img] = re.findall(r"<img[^>]*>", block)
    assert attribute(img, "src").endswith(".jpg")
    assert sorted(map(int, re.findall(r"\.jpg (\d+)w", attribute(img, "srcset")))) == sorted(widths)
    width, height = int(attribute(img, "width")), int(attribute(img, "height"))
    assert width in widths and height == width * 3 // 4
    return img


def test_a_case_study_hero_is_responsive_and_loads_at_once(client, case_study_index, picture):
    page = CaseStudyPageFactory(parent=case_study_index, hero_image=picture, hero_image_alt="A trolley of drinks")
    html = client.get(page.url).content.decode()
    [hero] = pictures(html)
    img = check_responsive(hero, [320, 640, 960])
    assert attribute(img, "alt") == "A trolley of drinks"
    assert attribute(img, "loading") is None  # above the fold: the browser should fetch it first
    assert attribute(img, "fetchpriority") == "high"


def test_an_image_in_the_body_is_responsive_and_lazy(client, case_study_index, picture):
    body = [("image", {"content_image": picture, "alt_text": 'Jugs <b>"labelled"</b>', "caption": "New jugs"})]
    page = CaseStudyPageFactory(parent=case_study_index, body=body)
    html = client.get(page.url).content.decode()
    [block] = pictures(html)
    img = check_responsive(block, [320, 640, 960])
    assert attribute(img, "loading") == "lazy"
    assert attribute(img, "alt") == "Jugs &lt;b&gt;&quot;labelled&quot;&lt;/b&gt;"
    assert '<figcaption class="nhsuk-image__caption">New jugs</figcaption>' in html


def test_a_members_photo_is_responsive_and_lazy(client, learning_index, picture):
    page = LearningNotePageFactory(parent=learning_index)
    LearningNotePagePhoto.objects.create(page=page, image=picture, alt_text="Cups", caption="Our cups")
    [block] = pictures(client.get(page.url).content.decode())
    img = check_responsive(block, [400, 800])
    assert attribute(img, "loading") == "lazy"


def test_renditions_are_really_avif_and_webp(picture):
    from PIL import Image as PillowImage

    for spec, expected in (("width-320|format-avif", "AVIF"), ("width-320|format-webp", "WEBP")):
        rendition = picture.get_rendition(spec)
        with rendition.file.open() as handle:
            assert PillowImage.open(handle).format == expected
        assert (rendition.width, rendition.height) == (320, 240)
