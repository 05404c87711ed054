"""The names members go by in public: which they may take, and every one they have used.

A member's name is shown on each of their comments and posts and can be
changed from their profile, so without rules a member could become
"Programme team", or a colleague, and every comment they had written would
change at once. The rules:

- The programme's own names ("Programme team", "Moderator", "Admin", the
  site's name, the words the site uses for people it cannot name) are for
  the programme team alone. Names are compared by ``name_key``, which ignores
  case, spacing, punctuation, accents and characters that look alike
  (Cyrillic "а" for "a", "0" for "o", "rn" for "m"), so close variants are
  refused too.
- No approved member may take the name of another member of their own organisation:
  comments show the organisation beside the name, so a name and organisation
  together must point to one person. The same name at another organisation is
  allowed (people do share names), and readers can tell them apart by the
  organisation. Nor may a member take a programme-team member's name, since
  those are trusted wherever they appear. Sign-up applies the reserved names
  only: refusing a colleague's name there would tell an anonymous visitor
  that the colleague has an account, so namesakes are left to the
  moderator's review page, which warns of them.
- Every name a member has used is kept with the date they took it
  (``NameRecord``), so moderators can see who someone was when a comment was
  written; the admin shows it on the member's review page.
"""

import json
import string
import unicodedata
from functools import cache
from importlib import resources

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.core.access import MODERATORS_GROUP, is_member, is_moderator


@cache
def unicode_look_alikes():
    """Every character Unicode's confusables table says looks like a Latin letter, mapped to that letter.

    The table (https://www.unicode.org/Public/security/latest/confusables.txt)
    comes with the confusable-homoglyphs package, so it is kept up to date with
    Unicode's rather than by hand: Armenian "օ", Latin alpha "ɑ", Cherokee "Ꮲ"
    and about 1,200 others.
    """
    table = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    letters = {}
    for character, homoglyphs in table.items():
        if len(character) != 1 or character.isascii():
            continue
        latin = [glyph["c"] for glyph in homoglyphs if len(glyph["c"]) == 1 and glyph["c"] in string.ascii_letters]
        if latin:
            letters[character] = latin[0].lower()
    return str.maketrans(letters)


# Digits and symbols used for letters, and the letters the table above leaves
# out, all mapped to the letter they imitate. "i", "l" and "1" all look alike,
# so all become "l".
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "l", "ї": "l", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w",
        # Digits, symbols and Latin letters that stand in for others
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
        "@": "a", "$": "s", "!": "l", "|": "l", "i": "l", "ı": "l", "ł": "l", "ø": "o", "ß": "ss",
    }
)  # fmt: skip

# Whole names only the programme team may use.
RESERVED_NAMES = (
    "Programme team",
    "Program team",
    "Programme",
    "The programme team",
    "Programme lead",
    "Moderator",
    "Moderators",
    "Admin",
    "Administrator",
    "Administrators",
    "Site admin",
    "Editor",
    "Support",
    "Safety Learning Portal",
    "A former member",
    "A community member",
    "Former member",
    "Community member",
)

# Words that may not appear anywhere in a member's name, however it is spaced.
RESERVED_PARTS = (
    "programmeteam",
    "programteam",
    "moderator",
    "administrator",
    "siteadmin",
    "adminteam",
    "teamadmin",
    "learningportal",
)


def name_key(text, unknown=""):
    """How a name compares with others.

    "Prog-ramme  TEAM" and "Рrogramme team" (with a Cyrillic "Р") both give the
    key of "Programme team". A letter that is none of a to z even then (a small
    capital "ᴘ", a runic "ᚱ", a stroked "ǥ") becomes ``unknown``: nothing, for
    comparing names, or a wildcard for the reserved names (``is_reserved``).
    """
    text = unicodedata.normalize("NFKC", text or "").translate(unicode_look_alikes())
    text = text.casefold().translate(unicode_look_alikes()).translate(LOOK_ALIKES)
    # Accents off: "é" compares as "e".
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = "".join(
        c if "a" <= c <= "z" else unknown if unicodedata.category(c).startswith("L") else ""
        for c in text.translate(LOOK_ALIKES)
    )
    return text.replace("rn", "m").replace("vv", "w")


def _matches(pattern, key):
    """Whether ``key`` is ``pattern`` with each "?" standing for any one letter."""
    return len(pattern) == len(key) and all(p in ("?", k) for p, k in zip(pattern, key, strict=True))


def _passes_for_reserved(text):
    """Whether ``text``, its unknown letters read as any letter, is a reserved name or holds a reserved part."""
    pattern = name_key(text, unknown="?")
    if "?" not in pattern:
        return False
    if any(_matches(pattern, key) for key in reserved_keys()):
        return True
    for part in RESERVED_PARTS:
        part_key = name_key(part)
        windows = (pattern[start : start + len(part_key)] for start in range(len(pattern) - len(part_key) + 1))
        if any(_matches(window, part_key) for window in windows):
            return True
    return False


def reserved_keys():
    names = (*RESERVED_NAMES, settings.WAGTAIL_SITE_NAME)
    return {name_key(name) for name in names if name}


def is_reserved(first_name, last_name):
    whole = name_key(f"{first_name} {last_name}")
    if not whole:
        return _passes_for_reserved(f"{first_name} {last_name}")
    keys = reserved_keys()
    if whole in keys or name_key(first_name) in keys or name_key(last_name) in keys:
        return True
    if any(name_key(part) in whole for part in RESERVED_PARTS):
        return True
    # A letter no table maps to a to z ("ᴘrogramme", "Moderatoᚱ") may stand for any letter.
    return any(_passes_for_reserved(text) for text in (f"{first_name} {last_name}", first_name, last_name))


def programme_team_users():
    User = get_user_model()
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP), is_active=True).distinct()


def _same_organisation_users(user, organisation, requested_organisation):
    from .models import MemberProfile

    if organisation is not None:
        profiles = MemberProfile.objects.filter(organisation=organisation)
    elif requested_organisation:
        profiles = MemberProfile.objects.filter(organisation__name__iexact=requested_organisation) | (
            MemberProfile.objects.filter(organisation=None, requested_organisation__iexact=requested_organisation)
        )
    else:
        return []
    if user is not None and user.pk:
        profiles = profiles.exclude(user=user)
    return [profile.user for profile in profiles.select_related("user")]


RESERVED_MESSAGE = (
    "This name is kept for the programme team, so that everyone can trust posts and comments "
    "made in their name. Use your own name"
)


HIDDEN_CHARACTERS_MESSAGE = (
    "Names cannot contain hidden formatting characters, such as those that reverse the order of letters. "
    "Type the name as it should appear"
)


def has_hidden_characters(text):
    """Whether ``text`` holds characters that are not shown but change what is (Unicode's format and controls).

    A right-to-left override turns "maet emmargorP" into "Programme team" on
    the page, past every check of the letters themselves.
    """
    return any(unicodedata.category(character) in ("Cf", "Cc") for character in text or "")


def reserved_name_problem(name, user=None):
    """The reserved-name rule alone, for a name typed as free text (a post's "Your name"); None if it is fine."""
    if has_hidden_characters(name):
        return HIDDEN_CHARACTERS_MESSAGE
    if user is not None and is_moderator(user):
        return None
    first_name, _, last_name = (name or "").strip().partition(" ")
    return RESERVED_MESSAGE if is_reserved(first_name, last_name) else None


def name_problem(first_name, last_name, user=None, organisation=None, requested_organisation=""):
    """What is wrong with this name for this person, as a message for the form; None if it is fine.

    ``user`` is the person taking the name (None while signing up);
    ``organisation`` or ``requested_organisation`` is where they work. Only
    approved members are held to the namesake rules; everyone to the reserved names.
    """
    if has_hidden_characters(first_name) or has_hidden_characters(last_name):
        return HIDDEN_CHARACTERS_MESSAGE
    if user is not None and is_moderator(user):
        return None
    if is_reserved(first_name, last_name):
        return RESERVED_MESSAGE
    if user is None or not is_member(user):
        # Signing up (or waiting for approval): "someone at your organisation already uses this
        # name" would tell a stranger that a named person has an account. The moderator's
        # review page warns of namesakes before approving (``namesakes``).
        return None
    wanted = name_key(f"{first_name} {last_name}")
    others = _same_organisation_users(user, organisation, requested_organisation)
    if any(name_key(f"{other.first_name} {other.last_name}") == wanted for other in others):
        return (
            "Someone at your organisation already uses this name on the portal. "
            "Add a middle initial or the name you are known by, so people can tell you apart"
        )
    team = programme_team_users()
    if user is not None and user.pk:
        team = team.exclude(pk=user.pk)
    if any(name_key(f"{member.first_name} {member.last_name}") == wanted for member in team):
        return "This is the name of someone in the programme team. Use your own name"
    return None


def namesakes(profile):
    """Other members of this member's organisation (or the one they asked for) who go by the same name.

    Sign-up does not refuse these (that would tell a stranger who has an
    account), so the review page says so before a moderator approves.
    """
    user = profile.user
    wanted = name_key(f"{user.first_name} {user.last_name}")
    others = _same_organisation_users(user, profile.organisation, profile.requested_organisation)
    return [other for other in others if name_key(f"{other.first_name} {other.last_name}") == wanted]


def programme_team_namesakes(profile):
    """Programme-team members who go by this member's name: sign-up does not refuse it, so the review page warns."""
    user = profile.user
    wanted = name_key(f"{user.first_name} {user.last_name}")
    team = programme_team_users().exclude(pk=user.pk)
    return [member for member in team if name_key(f"{member.first_name} {member.last_name}") == wanted]


# Name history ---------------------------------------------------------------


def record_name(user):
    """Keep the user's name in their history if it differs from the last one kept."""
    from .models import NameRecord

    # An account saved before it has a name (made in the admin or by a script) has nothing to keep.
    if not (user.first_name.strip() or user.last_name.strip()):
        return None
    last = NameRecord.objects.filter(user=user).order_by("-used_from", "-pk").first()
    if last is not None and (last.first_name, last.last_name) == (user.first_name, user.last_name):
        return None
    return NameRecord.objects.create(user=user, first_name=user.first_name, last_name=user.last_name)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="members.names.record_name")
def record_name_on_save(sender, instance, created, update_fields=None, raw=False, **kwargs):
    """Whatever changed the name (the profile, sign-up, the admin), the history keeps it.

    Saves that name the fields they change and leave the name alone (signing
    in updates ``last_login``) cost nothing.
    """
    if raw:
        return
    if update_fields is not None and not {"first_name", "last_name"} & set(update_fields):
        return
    record_name(instance)


def names_used(user):
    """The names the user has gone by, newest first, leaving out any empty one an earlier version kept."""
    return list(user.name_records.exclude(first_name="", last_name=""))
