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
public page then makes public ones as usual.
"""

import mimetypes
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils._os import safe_join
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model

from portal.members.two_factor import has_admin_reach

PRIVATE_PREFIX = "private-"


def is_private(name):
    return os.path.basename(name or "").startswith(PRIVATE_PREFIX)


def private_name(filename):
    """The name to upload a member's draft photo under."""
    return PRIVATE_PREFIX + os.path.basename(filename)


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
        transaction.on_commit(lambda image=image: _make_public(image))


def _make_public(image):
    old = image.file.name
    if not is_private(old) or not default_storage.exists(old):
        return
    with default_storage.open(old) as private_file:
        new = default_storage.save(public_name(old), private_file)
    image.file.name = new
    image.save(update_fields=["file"])
    # Renditions of the private file were private too; the public page makes public ones.
    image.renditions.all().delete()
    default_storage.delete(old)


def on_page_published(sender, instance, **kwargs):
    if hasattr(instance, "photos"):
        make_photos_public(instance)
