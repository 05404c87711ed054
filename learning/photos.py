"""Checking and cleaning photos that members upload from the public site.

A file is judged by what Pillow finds inside it, never by its name or the
browser's content type: a script renamed ``.png`` is refused. Its size on disk
and then its width and height, which Pillow reads from the file's header
without decoding a pixel, are checked first, so a small file that would
decode to hundreds of megabytes is refused before it costs the server
anything. Every accepted photo is then decoded in full (so a truncated or
corrupt file is caught here, not when a rendition is made) and saved again
from its pixels alone: no EXIF, XMP, IPTC, comment, text chunk or any other
metadata goes with it, colour profiles included (browsers then show the
pixels as sRGB, the web's default, so a wide-gamut photo may look a little
less vivid).
"""

import io
import os
import uuid
import warnings

from django import forms
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
# Phones take 12 to 24 megapixels by default (24 megapixels is 5712 x 4284);
# anything bigger is slow to decode and far more than a page needs.
MAX_PIXELS = 25_000_000
# Pillow's format name -> the extension and encoder we save with.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# What a saved photo may keep besides its pixels: which colour of a palette is see-through.
KEPT_INFO = ("transparency",)
LIMITS_HINT = "A JPEG, PNG or WebP photo, up to 10 MB and 25 megapixels."


def not_a_photo(name):
    return f"{name} is not a JPEG, PNG or WebP photo. Choose a photo saved in one of those formats."


def too_big(name, size):
    return (
        f"{name} is {size / (1024 * 1024):.1f} MB: the most we take is 10 MB. "
        "Choose a smaller photo, or send it from your phone at a smaller size."
    )


def too_many_pixels(name, width=None, height=None):
    size = f"{width:,} by {height:,} pixels ({width * height / 1_000_000:.1f} megapixels)" if width else "too large"
    return (
        f"{name} is {size}: the most we take is 25 megapixels. "
        "Make the photo smaller, or take it at a lower resolution, then choose it again."
    )


def damaged(name):
    return f"{name} seems to be damaged or only partly uploaded. Try choosing it again."


def display_name(upload):
    """The file's name as the person chose it, short enough to show beside the field."""
    name = os.path.basename(getattr(upload, "name", "") or "") or "This file"
    return name if len(name) <= 60 else name[:57] + "..."


def clean_photo(upload):
    """Return the upload as a new JPEG, PNG or WebP file without metadata, or raise ValidationError."""
    name = display_name(upload)
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(too_big(name, upload.size), code="too_big")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # open() reads the header only: format, width and height, nothing decoded yet.
            image = Image.open(upload)
            image_format = image.format
            if image_format not in ACCEPTED_FORMATS:
                raise forms.ValidationError(not_a_photo(name), code="format")
            if image.width * image.height > MAX_PIXELS:
                raise forms.ValidationError(too_many_pixels(name, image.width, image.height), code="pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise forms.ValidationError(too_many_pixels(name), code="pixels") from None
    except UnidentifiedImageError:
        raise forms.ValidationError(not_a_photo(name), code="format") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise forms.ValidationError(damaged(name), code="damaged") from None
    return _without_metadata(image, image_format)


def _without_metadata(image, image_format):
    # Turn the pixels the way the camera meant before the orientation tag goes.
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Savers read some metadata from ``info`` (a JPEG's comment, a PNG's colour profile):
    # keep only what the pixels need.
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    output = io.BytesIO()
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    image.save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}")
