"""Photos chosen on a form that comes back with a problem are kept, privately, for that member and form only;
refused photos count against the posting limit."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model

from learning import moderation, photo_forms
from learning.models import HeldPhoto, LearningNotePage, RefusedPhoto
from portal.members.factories import MemberFactory

from .conftest import learning_note_data, photo_bytes, upload
from .test_photos import big_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_renditions_from_other_tests():
    """Wagtail caches renditions by image id, and ids are reused between tests."""
    cache.clear()
    yield
    cache.clear()


def main(response):
    html = response.content.decode()
    return html[html.index('<main class="nhsuk-main-wrapper"') : html.index("</main>")]


def held_key(html, number=1):
    return re.search(rf'name="photo_{number}_held" value="([^"]+)"', html).group(1)


def post_with_a_problem(client, data=None, **files):
    """The form sent for review with a photo on it and "What happened" left empty (a draft would save without it)."""
    data = data or learning_note_data(action="submit")
    data.update(what_happened="", **files)
    response = client.post("/share/learning-note/", data)
    assert response.status_code == 200
    return data, main(response)


def test_a_photo_chosen_on_a_form_with_a_problem_is_kept_and_shown_again(member_client, member, indexes):
    data, html = post_with_a_problem(
        member_client, photo_1=upload(photo_bytes(size=(900, 600)), "drinks-trolley.jpg"), photo_1_alt="Jugs"
    )
    assert "Say what happened" in html
    assert "You chose <strong>drinks-trolley.jpg</strong>" in html
    assert 'value="Jugs"' in html  # the description typed is kept too
    assert "Remove photo 1" in html and "Choose a different photo" in html
    [held] = HeldPhoto.objects.all()
    assert held.member == member and str(held.form_token) == data["token"]
    assert held_key(html) == held.key and len(held.key) >= 40
    # Stored privately: never under MEDIA_ROOT, and its thumbnail goes through the checked view.
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / held.image.file.name).is_file()
    assert not (Path(settings.MEDIA_ROOT) / held.image.file.name).exists()
    thumbnail = re.search(r'<img[^>]*class="portal-photo-slot__image"[^>]*>', html).group(0)
    src = re.search(r'src="([^"]+)"', thumbnail).group(1)
    assert src.startswith("/share/photos/images/private-")
    assert member_client.get(src).status_code == 200

    # Put the problem right without choosing the photo again: the post has it.
    data.update(what_happened="Fewer falls.", photo_1_held=held.key, photo_1_alt="Jugs")
    data.pop("photo_1")
    response = member_client.post("/share/learning-note/", data)
    assert response.status_code == 302
    [photo] = LearningNotePage.objects.get().get_latest_revision_as_object().photos.all()
    assert photo.image_id == held.image_id and photo.alt_text == "Jugs"
    assert not HeldPhoto.objects.exists()
    assert get_image_model().objects.count() == 1


def test_a_draft_with_a_photo_and_a_problem_comes_back_with_a_cache_that_pickles(member_client, indexes, settings):
    """Like Redis, the local-memory cache pickles what it keeps: the photo's rendition carries its uploader,
    the signed-in user, whom the two-factor mark once made unpicklable (a 500 on every such form)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pickles"}}
    data = learning_note_data(action="draft", title="")
    data.update(photo_1=upload(photo_bytes(size=(900, 600)), "drinks-trolley.jpg"), photo_1_alt="Jugs")
    response = member_client.post("/share/learning-note/", data)
    assert response.status_code == 200
    html = main(response)
    assert "You chose <strong>drinks-trolley.jpg</strong>" in html
    assert 'class="portal-photo-slot__image"' in html

    data.update(title="Night drinks round", photo_1_held=held_key(html))
    data.pop("photo_1")
    response = member_client.post("/share/learning-note/", data)
    assert response.status_code == 302
    assert member_client.get(response["Location"]).status_code == 200


def test_a_kept_photo_can_be_removed(member_client, indexes, django_capture_on_commit_callbacks):
    data, html = post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "cups.jpg"), photo_1_alt="Cups")
    held = HeldPhoto.objects.get()
    files = [held.image.file.name]
    data.pop("photo_1")
    data.update(photo_1_held=held.key, photo_1_remove="on", photo_1_alt="")
    with django_capture_on_commit_callbacks(execute=True):
        _, html = post_with_a_problem(member_client, data)
    assert "cups.jpg" not in html and 'name="photo_1_held" value=' not in html
    assert not HeldPhoto.objects.exists() and not get_image_model().objects.exists()
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT) / name).exists() for name in files)


def test_choosing_a_different_photo_replaces_the_kept_one(member_client, indexes):
    data, _ = post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "first.jpg"), photo_1_alt="First")
    first = HeldPhoto.objects.get()
    data.update(photo_1_held=first.key, photo_1=upload(photo_bytes("PNG"), "second.png", "image/png"))
    _, html = post_with_a_problem(member_client, data)
    [second] = HeldPhoto.objects.all()
    assert second.original_name == "second.png" and "second.png" in html and "first.jpg" not in html
    assert not get_image_model().objects.filter(pk=first.image_id).exists()


def test_another_member_can_neither_see_nor_use_a_kept_photo(client, member, indexes):
    client.force_login(member)
    data, html = post_with_a_problem(client, photo_1=upload(photo_bytes(), "cups.jpg"), photo_1_alt="Cups")
    held = HeldPhoto.objects.get()
    thumbnail = re.search(r'src="(/share/photos/images/private-[^"]+)"', html).group(1)

    other = MemberFactory()
    client.force_login(other)
    assert client.get(thumbnail).status_code == 404
    assert client.get(held.image.file.url).status_code == 404
    # Even with the member's form token and key, the other member's post gets no photo.
    data.update(what_happened="Fewer falls.", photo_1_held=held.key, photo_1_alt="Cups")
    data.pop("photo_1")
    response = client.post("/share/learning-note/", data)
    assert response.status_code == 200
    assert "Choose the photo this description is for" in main(response)
    assert HeldPhoto.objects.filter(pk=held.pk, member=member).exists()
    client.logout()
    assert client.get(thumbnail).status_code == 404


def test_a_kept_photo_belongs_to_its_own_form_only(member_client, indexes):
    data, _ = post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "cups.jpg"), photo_1_alt="Cups")
    held = HeldPhoto.objects.get()
    another_form = learning_note_data(action="draft", photo_1_held=held.key, photo_1_alt="Cups")
    response = member_client.post("/share/learning-note/", another_form)
    assert response.status_code == 200 and "Choose the photo this description is for" in main(response)


def test_kept_photos_expire_after_a_day_with_their_files(
    member_client, member, indexes, django_capture_on_commit_callbacks
):
    post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "old.jpg"), photo_1_alt="Old")
    old = HeldPhoto.objects.get()
    HeldPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "new.jpg"), photo_1_alt="New")
    old_file = Path(settings.PRIVATE_MEDIA_ROOT) / old.image.file.name

    RefusedPhoto.objects.create(member=member, reason="pixels", created_at=timezone.now() - timedelta(hours=25))
    RefusedPhoto.objects.create(member=member, reason="pixels")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_held_photos", stdout=out)
    assert out.getvalue().splitlines() == [
        "Deleted 1 photo(s) kept for more than 24 hours.",
        "Forgot 1 refused photo(s) older than a day.",
    ]
    assert RefusedPhoto.objects.count() == 1

    assert [held.original_name for held in HeldPhoto.objects.all()] == ["new.jpg"]
    assert not get_image_model().objects.filter(pk=old.image_id).exists()
    assert not old_file.exists()


def test_an_expired_photo_is_not_offered_again(member_client, indexes):
    data, _ = post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "cups.jpg"), photo_1_alt="Cups")
    held = HeldPhoto.objects.get()
    HeldPhoto.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=25))
    data.pop("photo_1")
    data.update(photo_1_held=held.key)
    _, html = post_with_a_problem(member_client, data)
    assert "cups.jpg" not in html


# Refused photos and the posting limit -------------------------------------------


def test_refused_photos_count_against_the_posting_limit(member_client, member, indexes):
    assert moderation.posts_left_today(member) == moderation.POSTS_PER_DAY
    for _ in range(3):
        data = learning_note_data(action="draft")
        data.update(photo_1=upload(big_png(6300, 6300), "board.png", "image/png"), photo_1_alt="Board")
        response = member_client.post("/share/learning-note/", data)
        assert "board.png is 6,300 by 6,300 pixels" in main(response)
        assert 'id="id_photo_1_error"' in main(response)
    assert RefusedPhoto.objects.filter(member=member, reason="pixels").count() == 3
    assert moderation.posts_left_today(member) == moderation.POSTS_PER_DAY - 3
    assert moderation.posts_left_today(MemberFactory()) == moderation.POSTS_PER_DAY


def test_once_the_limit_is_reached_photos_are_not_even_opened(member_client, member, indexes, monkeypatch):
    RefusedPhoto.objects.bulk_create([RefusedPhoto(member=member, reason="pixels")] * moderation.POSTS_PER_DAY)
    opened = []
    monkeypatch.setattr(photo_forms, "clean_photo", lambda upload: opened.append(upload))
    data = learning_note_data(action="draft")
    data.update(photo_1=upload(big_png(6300, 6300), "board.png", "image/png"), photo_1_alt="Board")
    response = member_client.post("/share/learning-note/", data)
    assert "You have reached today&#x27;s limit for posts and photos" in main(response)
    assert opened == []
    assert not LearningNotePage.objects.exists()
    assert RefusedPhoto.objects.count() == moderation.POSTS_PER_DAY  # not checked, so not counted


def test_a_member_who_deletes_their_account_leaves_no_kept_photo(
    member_client, member, indexes, django_capture_on_commit_callbacks
):
    post_with_a_problem(member_client, photo_1=upload(photo_bytes(), "cups.jpg"), photo_1_alt="Cups")
    held = HeldPhoto.objects.get()
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / held.image.file.name
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()
    assert not get_image_model().objects.filter(pk=held.image_id).exists()
    assert not stored.exists()


def test_a_member_can_keep_only_so_many_photos_at_once(member_client, member, indexes, monkeypatch):
    from learning import held_photos

    monkeypatch.setattr(held_photos, "MOST_HELD_PER_MEMBER", 2)
    for name in ("first.jpg", "second.jpg", "third.jpg"):
        post_with_a_problem(member_client, photo_1=upload(photo_bytes(), name), photo_1_alt="A photo")
    kept = sorted(held.original_name for held in HeldPhoto.objects.filter(member=member))
    assert kept == ["second.jpg", "third.jpg"]
    assert get_image_model().objects.count() == 2
