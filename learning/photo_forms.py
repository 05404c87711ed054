"""The photo part of the posting forms: photos a post has, new ones, and ones kept after an error.

Photos are numbered across the post: a draft with two photos shows "Photo 1"
and "Photo 2" with a way to remove each, and offers "Photo 3" for a new one.
Each new slot has a file field, a description (alt text) and a caption. When
the form comes back with a problem, a photo that passed its checks is kept
(``learning.held_photos``) and shown in its slot, so nothing chosen is lost;
a refused one is counted against the member's posting limit
(``learning.moderation``), and once that limit is reached no photo is checked
at all.
"""

import uuid
from dataclasses import dataclass

from django import forms
from django.forms import BoundField

from . import held_photos, moderation
from .photos import LIMITS_HINT, clean_photo, display_name

PHOTO_SLOTS = 3
LIMIT_REACHED = (
    "You have reached today's limit for posts and photos, so we did not look at this photo. Try again tomorrow."
)


@dataclass
class PhotoSlot:
    """One new photo's fields, and the photo kept from the last time the form was sent, if any."""

    number: int
    file: BoundField
    alt: BoundField
    caption: BoundField
    remove: BoundField
    held: object = None

    @property
    def held_field_name(self):
        return f"photo_{self.number}_held"


@dataclass
class ExistingPhoto:
    number: int
    photo: object
    remove: BoundField


class PhotoFieldsMixin:
    """Adds the photo fields to a ``ModelForm``; call ``add_photo_fields`` from ``__init__``."""

    def add_photo_fields(self, existing_photos=(), member=None):
        self.member = member
        self.existing_photos = list(existing_photos)
        self.remove_fields = {}
        for number, photo in enumerate(self.existing_photos, start=1):
            name = f"remove_photo_{photo.pk}"
            self.fields[name] = forms.BooleanField(required=False, label=f"Remove photo {number}")
            self.remove_fields[photo.pk] = name
        self.new_photo_numbers = list(range(len(self.existing_photos) + 1, PHOTO_SLOTS + 1))
        for number in self.new_photo_numbers:
            self.fields[f"photo_{number}"] = forms.FileField(
                required=False,
                label=f"Choose photo {number}",
                help_text=f"{LIMITS_HINT} Only share photos that the people in them agreed to.",
                widget=forms.FileInput(
                    attrs={
                        "accept": "image/jpeg,image/png,image/webp",
                        "class": "portal-file-upload__input",
                        "aria-describedby": f"id_photo_{number}_helptext",
                    }
                ),
            )
            self.fields[f"photo_{number}_alt"] = forms.CharField(
                required=False,
                max_length=200,
                label=f"Describe photo {number}",
                help_text="Say what it shows for people who cannot see it, such as "
                "'A drinks trolley with coloured cups'.",
            )
            self.fields[f"photo_{number}_caption"] = forms.CharField(
                required=False, max_length=255, label=f"Caption for photo {number} (optional)"
            )
            self.fields[f"photo_{number}_remove"] = forms.BooleanField(required=False, label=f"Remove photo {number}")
            self.fields[f"photo_{number}_held"] = forms.CharField(
                required=False, max_length=64, widget=forms.HiddenInput
            )
        self.held = self._find_held_photos()
        self._fresh_photos = {}
        self.refused_photos = []
        self._label_pickers()

    def _label_pickers(self):
        for number in self.new_photo_numbers:
            label = "Choose a different photo" if number in self.held else f"Choose photo {number}"
            self.fields[f"photo_{number}"].label = label
            if f"photo_{number}" in self._bound_fields_cache:  # made while cleaning, with the label it had then
                self._bound_fields_cache[f"photo_{number}"].label = label

    def photo_field_names(self):
        names = set(self.remove_fields.values())
        for number in self.new_photo_numbers:
            names |= {f"photo_{number}{suffix}" for suffix in ("", "_alt", "_caption", "_remove", "_held")}
        return names

    @property
    def photo_slots(self):
        """Each new photo's bound fields and any photo kept for it, for the template."""
        return [
            PhotoSlot(
                number=n,
                file=self[f"photo_{n}"],
                alt=self[f"photo_{n}_alt"],
                caption=self[f"photo_{n}_caption"],
                remove=self[f"photo_{n}_remove"],
                held=self.held.get(n),
            )
            for n in self.new_photo_numbers
        ]

    @property
    def existing_photo_slots(self):
        return [
            ExistingPhoto(number=n, photo=photo, remove=self[self.remove_fields[photo.pk]])
            for n, photo in enumerate(self.existing_photos, start=1)
        ]

    def _form_token(self):
        try:
            return uuid.UUID(str(self.data.get("token", "")))
        except ValueError:
            return None

    def _find_held_photos(self):
        """{slot number: HeldPhoto} for the keys this form was sent with, if they are this member's."""
        if not self.is_bound:
            return {}
        keys = {n: self.data.get(f"photo_{n}_held", "") for n in self.new_photo_numbers}
        found = held_photos.find(self.member, self._form_token(), keys.values())
        return {n: found[key] for n, key in keys.items() if key in found}

    def _photos_allowed(self):
        return self.member is None or moderation.posts_left_today(self.member) > 0

    def clean_photos(self, cleaned):
        """Check each new photo; put the list of (photo, alt text, caption) in ``new_photos``.

        A photo is a cleaned file, or the image of a photo kept from last time.
        """
        new_photos = []
        allowed = None
        for number in self.new_photo_numbers:
            upload = cleaned.get(f"photo_{number}")
            alt = (cleaned.get(f"photo_{number}_alt") or "").strip()
            photo = None
            if upload:
                allowed = self._photos_allowed() if allowed is None else allowed
                if not allowed:
                    self.add_error(f"photo_{number}", LIMIT_REACHED)
                    continue
                try:
                    photo = clean_photo(upload)
                except forms.ValidationError as error:
                    self.add_error(f"photo_{number}", error)
                    self.refused_photos.append(error.code or "refused")
                    continue
                self._fresh_photos[number] = (photo, display_name(upload))
            elif number in self.held and not cleaned.get(f"photo_{number}_remove"):
                photo = self.held[number].image
            if photo is None:
                if alt and f"photo_{number}" not in self.errors:
                    self.add_error(f"photo_{number}", "Choose the photo this description is for, or clear it.")
                continue
            if not alt:
                if f"photo_{number}_alt" not in self.errors:
                    self.add_error(f"photo_{number}_alt", "Describe what the photo shows for people who cannot see it.")
                continue
            new_photos.append((photo, alt, (cleaned.get(f"photo_{number}_caption") or "").strip()))
        cleaned["new_photos"] = new_photos
        cleaned["removed_photo_ids"] = [pk for pk, name in self.remove_fields.items() if cleaned.get(name)]
        return cleaned

    def keep_photos_after_errors(self):
        """The form is going back to the member with a problem: count refused photos, keep good ones.

        A photo chosen this time replaces the one kept for its slot; a kept photo the
        member asked to remove is deleted now.
        """
        if self.member is None or not self.is_bound:
            return
        moderation.count_refused_photos(self.member, self.refused_photos)
        self.refused_photos = []
        token = self._form_token()
        if token is None:
            return
        cleaned = getattr(self, "cleaned_data", {})
        dropped = []
        for number in self.new_photo_numbers:
            held = self.held.get(number)
            if number in self._fresh_photos:
                content, name = self._fresh_photos.pop(number)
                content.seek(0)
                self.held[number] = held_photos.hold(self.member, token, content, name)
            elif held is not None and cleaned.get(f"photo_{number}_remove"):
                del self.held[number]
            else:
                continue
            if held is not None:
                dropped.append(held)
        held_photos.release(dropped)
        self._label_pickers()
