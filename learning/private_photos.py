"""Photos on members' drafts stay private until the post is published.

A photo a member attaches to a draft is saved under a name that starts with
``PRIVATE_PREFIX``. ``MediaStorage`` (the site's default file storage) keeps
every such file, and every rendition made from it (Wagtail names renditions
after their original), in ``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT``, so the
web server that serves ``/media/`` cannot reach it. Their URL is
``private_photo`` below, which sends the file only to the member who uploaded
it and to the programme team (previews, the admin, moderation), and is a 404
for anyone else.

When a page with such photos is published (a moderator approves the post, or
an editor publishes it), ``make_photos_public`` moves each original into
``MEDIA_ROOT`` under its public name and deletes its private renditions; the
public page then makes public ones as usual. Unpublishing does the reverse
(``make_photos_private``): each original goes back to private storage and its
public renditions are deleted, so ``/media/`` no longer has them. Deleting the
page deletes its photos, every rendition and every file, except a photo that
another page also shows.
"""

import mimetypes
import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils._os import safe_join
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from portal.members.two_factor import has_admin_reach

PRIVATE_PREFIX = "private-"


def is_private(name):
    return os.path.basename(name or "").startswith(PRIVATE_PREFIX)


def private_name(filename):
    """The name to upload a member's draft photo under."""
    return PRIVATE_PREFIX + os.path.basename(filename)


def private_path(name):
    """The private name of a stored file, in the same folder."""
    folder, basename = os.path.split(name)
    return os.path.join(folder, private_name(basename))


def public_name(name):
    folder, basename = os.path.split(name)
    return os.path.join(folder, basename.removeprefix(PRIVATE_PREFIX))


class MediaStorage(FileSystemStorage):
    """``MEDIA_ROOT`` as usual, except that private photos live in ``PRIVATE_MEDIA_ROOT``
    and their URL is the view that checks who is asking."""

    def _save(self, name, content):
        if is_private(name):
            return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)._save(name, content)
        return super()._save(name, content)

    def path(self, name):
        if is_private(name):
            return safe_join(settings.PRIVATE_MEDIA_ROOT, name)
        return super().path(name)

    def url(self, name):
        if is_private(name):
            return reverse("share:photo", args=[name])
        return super().url(name)


def may_see(user, image):
    return user.is_authenticated and (image.uploaded_by_user_id == user.pk or has_admin_reach(user))


@require_safe
def private_photo(request, name):
    """A draft's photo or one of its renditions, for its uploader and the programme team only."""
    if not is_private(name):
        raise Http404
    image_model = get_image_model()
    image = image_model.objects.filter(file=name).only("pk", "uploaded_by_user_id").first()
    if image is None:
        rendition = (
            image_model.get_rendition_model()
            .objects.filter(file=name)
            .select_related("image")
            .only("image__id", "image__uploaded_by_user_id")
            .first()
        )
        image = rendition.image if rendition else None
    if image is None or not may_see(request.user, image) or not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def make_photos_public(page):
    """Move the published page's private photos to public storage, once the publish is committed."""
    images = [photo.image for photo in page.photos.select_related("image") if is_private(photo.image.file.name)]
    for image in images:
        transaction.on_commit(lambda image=image: _make_public(image, page.pk))


def _make_public(image, page_id):
    # Only for a page that is still live once everything is saved.
    if not Page.objects.filter(pk=page_id, live=True).exists():
        return
    old = image.file.name
    if not is_private(old) or not default_storage.exists(old):
        return
    _move(image, public_name(old))


def make_photos_private(page):
    """Move the unpublished page's photos back to private storage, once the unpublish is committed.

    A photo another page also uses (an editor can choose any image in the admin) stays public.
    """
    images = [
        photo.image
        for photo in page.photos.select_related("image")
        if not is_private(photo.image.file.name) and not _used_elsewhere(photo.image, page)
    ]
    for image in images:
        transaction.on_commit(lambda image=image: _make_private(image))


def _make_private(image):
    # Deleting a live page unpublishes it first: its photos may be gone by now.
    image = get_image_model().objects.filter(pk=image.pk).first()
    if image is None or is_private(image.file.name) or not default_storage.exists(image.file.name):
        return
    _move(image, private_path(image.file.name))


def _move(image, new_name):
    """Store the image's file under its new name, then delete the old file and every rendition of it.

    Wagtail deletes a rendition's file when its row is deleted (``wagtail.images.signal_handlers``).
    """
    old = image.file.name
    with default_storage.open(old) as current:
        image.file.name = default_storage.save(new_name, current)
    image.save(update_fields=["file"])
    image.renditions.all().delete()
    default_storage.delete(old)


def _used_elsewhere(image, page):
    """Whether anything but this page (another page, a snippet) refers to the image."""
    this_page = {"base_content_type": ContentType.objects.get_for_model(Page), "object_id": str(page.pk)}
    return ReferenceIndex.get_references_to(image).exclude(**this_page).exists()


def photos_ever_on(page):
    """The ids of every image the page has shown, in any revision."""
    ids = {photo.image_id for photo in page.photos.all()}
    for content in page.revisions.values_list("content", flat=True):
        ids.update(photo.get("image") for photo in (content or {}).get("photos", []))
    ids.discard(None)
    return ids


def delete_photos_of(page):
    """Delete the deleted page's photos with their renditions and files, once the delete is committed."""
    image_model = get_image_model()
    doomed = [
        image.pk
        for image in image_model.objects.filter(pk__in=photos_ever_on(page))
        if not _used_elsewhere(image, page)
    ]

    def delete():
        # Deleting an image deletes its renditions; Wagtail deletes the files of both.
        for image in image_model.objects.filter(pk__in=doomed):
            image.delete()

    transaction.on_commit(delete)


def on_page_published(sender, instance, **kwargs):
    if hasattr(instance, "photos"):
        make_photos_public(instance)


def on_page_unpublished(sender, instance, **kwargs):
    if hasattr(instance, "photos"):
        make_photos_private(instance)


def on_page_deleted(sender, instance, **kwargs):
    """``pre_delete``: the page's photos and revisions are still there to be read."""
    if hasattr(instance, "photos"):
        delete_photos_of(instance)
