"""Photos kept for a member while their form has a problem to put right.

When a form comes back with an error, each photo on it that passed its checks
is stored as a private Wagtail image (``learning.private_photos``) and a
``HeldPhoto`` row binds it to the member and to that form's one-time token.
The form carries only the row's random key, so the member sees their photo
again, with its name and a way to remove it, without choosing it again; a key
sent by anyone else, or with another form, finds nothing.

Saving the post attaches the photos still wanted and deletes the rest
(``settle``). Photos on forms never sent again are deleted after ``HOLD_FOR``
by ``manage.py expire_held_photos``, and each member's own expired ones
whenever they save a post.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.images import get_image_model

from .models import HeldPhoto
from .private_photos import private_name

HOLD_FOR = timedelta(hours=24)
# Each member's kept photos are capped, oldest deleted first, so that forms sent with
# mistakes again and again (each with a fresh token) cannot fill the disk.
MOST_HELD_PER_MEMBER = 3 * 10


def save_private_image(content, title, member):
    """A Wagtail image of the cleaned photo, stored privately, uploaded by the member."""
    content.name = private_name(content.name)
    image = get_image_model()(title=title[:255], file=content, uploaded_by_user=member)
    image._set_image_file_metadata()
    image.save()
    return image


def hold(member, form_token, content, original_name):
    image = save_private_image(content, original_name, member)
    held = HeldPhoto.objects.create(
        member=member, form_token=form_token, image=image, original_name=original_name[:255]
    )
    oldest_first = HeldPhoto.objects.filter(member=member).order_by("-created_at", "-pk")
    release(list(oldest_first.select_related("image")[MOST_HELD_PER_MEMBER:]))
    return held


def find(member, form_token, keys):
    """The member's unexpired held photos for this form, by key; any other key finds nothing."""
    keys = [key for key in keys if key]
    if member is None or not member.is_authenticated or form_token is None or not keys:
        return {}
    held = HeldPhoto.objects.filter(
        member=member, form_token=form_token, key__in=keys, created_at__gte=timezone.now() - HOLD_FOR
    ).select_related("image")
    return {photo.key: photo for photo in held}


def release(held_photos):
    """Delete held photos the member removed or replaced, with their images and files."""
    for held in held_photos:
        held.image.delete()  # deletes the row too (CASCADE); Wagtail deletes the files


def settle(member, form_token, used_images):
    """The post is saved: forget this form's held photos, deleting the images it did not use."""
    used = {image.pk for image in used_images}
    leftovers = HeldPhoto.objects.filter(member=member, form_token=form_token).select_related("image")
    release([held for held in leftovers if held.image_id not in used])
    HeldPhoto.objects.filter(member=member, form_token=form_token).delete()


def on_member_deleted(sender, instance, **kwargs):
    """``pre_delete`` of a user: their kept photos' images would otherwise outlive the rows that find them."""
    release(list(HeldPhoto.objects.filter(member=instance).select_related("image")))


def expire(member=None, now=None):
    """Delete held photos older than ``HOLD_FOR`` (one member's, or everyone's); return how many."""
    expired = HeldPhoto.objects.filter(created_at__lt=(now or timezone.now()) - HOLD_FOR).select_related("image")
    if member is not None:
        expired = expired.filter(member=member)
    expired = list(expired)
    release(expired)
    return len(expired)
