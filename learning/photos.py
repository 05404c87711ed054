"""Checking and cleaning photos that members upload from the public site.

A file is judged by what Pillow finds inside it, never by its name or the
browser's content type: a script renamed ``.png`` is refused. Every accepted
photo is decoded in full (so a truncated or corrupt file is caught here, not
when a rendition is made) and saved again from its pixels, which leaves its
EXIF data, including any location, behind.
"""

import io
import uuid
import warnings

from django import forms
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow's format name -> the extension and encoder we save with.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

NOT_A_PHOTO = "Choose a photo saved as JPEG, PNG or WebP. This file is not one of those."
TOO_BIG = "The photo must be smaller than 10 MB. Try a smaller photo, or send it from your phone at a smaller size."
TOO_MANY_PIXELS = (
    "The photo is too large: the most we accept is 40 megapixels. "
    "Try taking it at a lower resolution, or make it smaller first."
)
DAMAGED = "The photo seems to be damaged or only partly uploaded. Try choosing it again."


def clean_photo(upload):
    """Return the upload as a new JPEG, PNG or WebP file without metadata, or raise ValidationError."""
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(TOO_BIG, code="too_big")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            image_format = image.format
            if image_format not in ACCEPTED_FORMATS:
                raise forms.ValidationError(NOT_A_PHOTO, code="format")
            if image.width * image.height > MAX_PIXELS:
                raise forms.ValidationError(TOO_MANY_PIXELS, code="pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise forms.ValidationError(TOO_MANY_PIXELS, code="pixels") from None
    except UnidentifiedImageError:
        raise forms.ValidationError(NOT_A_PHOTO, code="format") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise forms.ValidationError(DAMAGED, code="damaged") from None
    return _without_metadata(image, image_format)


def _without_metadata(image, image_format):
    # Turn the pixels the way the camera meant before the orientation tag goes.
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    output = io.BytesIO()
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    image.save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}")
