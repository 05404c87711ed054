"""Photos on a member's draft are private until the post is published."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from learning.models import LearningNotePage
from learning.private_photos import private_name
from portal.members.factories import MemberFactory

from .conftest import learning_note_data, photo_bytes, upload
from .test_workflow import act_in_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_renditions_from_other_tests():
    """Wagtail caches renditions by image id, and ids are reused between tests."""
    cache.clear()
    yield
    cache.clear()


def post_with_photo(client, action="submit", **overrides):
    data = learning_note_data(action=action, **overrides)
    data.update(photo_1=upload(photo_bytes(size=(900, 600))), photo_1_alt="Jugs on the landing")
    return client.post("/share/learning-note/", data)


def draft_image():
    page = LearningNotePage.objects.get()
    return page.get_latest_revision_as_object().photos.first().image


@pytest.fixture
def image(member_client, indexes):
    post_with_photo(member_client)
    return draft_image()


def preview_photo_url(client):
    page = client.get(f"/share/mine/{LearningNotePage.objects.get().contribution.pk}/preview/").content.decode()
    tag = re.search(r'<img[^>]*class="portal-photo__image"[^>]*>', page).group(0)
    return re.search(r'src="([^"]+)"', tag).group(1)


def test_a_draft_photo_is_stored_outside_the_public_media_folder(image):
    name = image.file.name
    assert Path(name).name.startswith("private-")
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).is_file()
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert image.file.url == f"/share/photos/{name}"


def test_nobody_but_the_author_and_the_programme_team_can_fetch_it(client, image, member, moderator):
    url = image.file.url
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 404

    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == (Path(settings.PRIVATE_MEDIA_ROOT) / image.file.name).read_bytes()

    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_the_preview_shows_a_private_rendition_to_its_author_and_to_moderators_only(client, image, member, moderator):
    client.force_login(member)
    url = preview_photo_url(client)
    assert url.startswith("/share/photos/images/private-") and url.endswith(".jpg")
    assert client.get(url).status_code == 200
    renditions = list(image.renditions.all())  # one per size and format of the <picture>
    assert renditions
    for rendition in renditions:
        assert (Path(settings.PRIVATE_MEDIA_ROOT) / rendition.file.name).is_file()
        assert not (Path(settings.MEDIA_ROOT) / rendition.file.name).exists()

    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


def test_only_private_names_are_served_and_only_from_the_private_folder(client, moderator):
    client.force_login(moderator)
    assert client.get("/share/photos/original_images/holiday.jpg").status_code == 404
    assert client.get("/share/photos/../../settings/private-base.py").status_code == 404
    assert client.post("/share/photos/original_images/private-x.jpg").status_code == 405


def test_after_approval_the_photo_is_public_and_the_page_points_only_at_public_files(
    client, image, member, moderator, django_capture_on_commit_callbacks
):
    private_name = image.file.name
    client.force_login(member)
    private_url = preview_photo_url(client)

    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, moderator, LearningNotePage.objects.get(), "approve")

    image.refresh_from_db()
    assert not Path(image.file.name).name.startswith("private-")
    assert (Path(settings.MEDIA_ROOT) / image.file.name).is_file()
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / private_name).exists()
    assert image.file.url == f"/media/{image.file.name}"
    client.logout()
    page = client.get(LearningNotePage.objects.get().url).content.decode()
    assert 'alt="Jugs on the landing"' in page
    assert re.search(r'src="/media/images/[^"]+\.jpg"', page)
    assert "private-" not in page and "/share/photos/" not in page
    client.force_login(member)
    assert client.get(private_url).status_code == 404


def test_photos_uploaded_in_the_admin_stay_public(client):
    image = get_image_model().objects.create(
        title="Team photo", file=upload(photo_bytes(), "team.jpg"), width=40, height=30
    )
    assert image.file.url.startswith("/media/original_images/team")
    assert (Path(settings.MEDIA_ROOT) / image.file.name).is_file()


def serving_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["original", "rendition"])
def test_serving_a_private_photo_costs_the_same_however_many_there_are(client, member, indexes, kind):
    client.force_login(member)
    post_with_photo(client, action="draft", title="First")
    first = LearningNotePage.objects.get().get_latest_revision_as_object().photos.first().image
    url = first.file.url if kind == "original" else first.get_rendition("max-800x600").url
    few = serving_queries(client, url)
    for n in range(30):
        other = get_image_model()(title=f"Draft photo {n}", file=upload(photo_bytes(), private_name(f"{n}.jpg")))
        other._set_image_file_metadata()
        other.save()
        other.get_rendition("max-800x600")
    assert get_image_model().objects.count() == 31
    assert serving_queries(client, url) == few


# Unpublishing and deleting --------------------------------------------------------


@pytest.fixture
def published(client, image, member, moderator, django_capture_on_commit_callbacks):
    """The member's post, approved, with its photo shown once on the public page (so it has public renditions)."""
    with django_capture_on_commit_callbacks(execute=True):
        act_in_admin(client, moderator, LearningNotePage.objects.get(), "approve")
    client.logout()
    page = LearningNotePage.objects.get()
    assert client.get(page.url).status_code == 200
    image.refresh_from_db()
    assert not Path(image.file.name).name.startswith("private-")
    assert image.renditions.exists()
    return page


def public_files_of(image):
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    return [name for name in names if (Path(settings.MEDIA_ROOT) / name).exists()]


def test_unpublishing_a_post_makes_its_photo_private_again(
    client, published, image, member, django_capture_on_commit_callbacks
):
    image.refresh_from_db()
    public_name = image.file.name
    public_renditions = list(image.renditions.values_list("file", flat=True))
    assert public_files_of(image)

    with django_capture_on_commit_callbacks(execute=True):
        published.unpublish()

    image.refresh_from_db()
    assert not (Path(settings.MEDIA_ROOT) / public_name).exists()
    for name in public_renditions:
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert Path(image.file.name).name.startswith("private-")
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / image.file.name).is_file()
    assert image.file.url.startswith("/share/photos/")
    client.logout()
    assert client.get(image.file.url).status_code == 404
    client.force_login(member)
    assert client.get(image.file.url).status_code == 200


def test_publishing_it_again_makes_the_photo_public_again(
    client, published, image, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published.unpublish()
    image.refresh_from_db()
    private = image.file.name
    with django_capture_on_commit_callbacks(execute=True):
        published.save_revision(user=moderator).publish()
    image.refresh_from_db()
    assert not Path(image.file.name).name.startswith("private-")
    assert (Path(settings.MEDIA_ROOT) / image.file.name).is_file()
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / private).exists()
    client.logout()
    assert re.search(r'src="/media/images/[^"]+\.jpg"', client.get(published.url).content.decode())


def test_deleting_a_post_deletes_its_photos_renditions_and_files(
    client, published, image, django_capture_on_commit_callbacks
):
    image.refresh_from_db()
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    assert all((Path(settings.MEDIA_ROOT) / name).is_file() for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        published.delete()

    assert not get_image_model().objects.filter(pk=image.pk).exists()
    for name in names:
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
        assert not (Path(settings.PRIVATE_MEDIA_ROOT) / name).exists()


def test_deleting_a_draft_deletes_its_private_photo_and_renditions(
    client, image, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    preview_photo_url(client)  # makes private renditions
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    assert len(names) > 1 and all((Path(settings.PRIVATE_MEDIA_ROOT) / name).is_file() for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        LearningNotePage.objects.get().delete()

    assert not get_image_model().objects.filter(pk=image.pk).exists()
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT) / name).exists() for name in names)


def test_a_photo_another_page_also_shows_is_neither_hidden_nor_deleted(
    client, published, image, learning_index, django_capture_on_commit_callbacks
):
    from learning.factories import LearningNotePageFactory
    from learning.models import LearningNotePagePhoto

    other = LearningNotePageFactory(parent=learning_index)
    LearningNotePagePhoto.objects.create(page=other, image=image, alt_text="The same jugs")
    other.save_revision().publish()
    image.refresh_from_db()
    public_name = image.file.name

    with django_capture_on_commit_callbacks(execute=True):
        published.unpublish()
    image.refresh_from_db()
    assert image.file.name == public_name and (Path(settings.MEDIA_ROOT) / public_name).is_file()

    with django_capture_on_commit_callbacks(execute=True):
        LearningNotePage.objects.get(pk=published.pk).delete()
    assert get_image_model().objects.filter(pk=image.pk).exists()
    assert (Path(settings.MEDIA_ROOT) / public_name).is_file()


def test_a_publish_that_does_not_stay_live_neither_shows_the_photo_nor_tells_the_member(
    client, image, member, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    """What a stale save of the page in the same transaction did: the member heard 'Published' of a draft."""
    from django.db import transaction

    mailoutbox.clear()
    page = LearningNotePage.objects.get()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        act_in_admin(client, moderator, page, "approve")
        LearningNotePage.objects.filter(pk=page.pk).update(live=False)

    image.refresh_from_db()
    assert Path(image.file.name).name.startswith("private-")
    assert not any((Path(settings.MEDIA_ROOT) / "images").glob(Path(image.file.name).name.removeprefix("private-")))
    assert mailoutbox == []
