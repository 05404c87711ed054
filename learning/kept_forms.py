"""What a member typed into a posting form that could not be saved because their session had ended.

Signing out in another tab (or signing out and in again there) turns the next
"Save as draft" or "Send for review" away: to the sign-in page, or to "This
form has expired" (``portal.core.views.csrf_failure``). Instead of losing the
note, its words and choices are kept in the session under the form's one-time
token, and shown back in the same form once its writer is signed in again,
marked as not saved. Nothing is ever saved or sent for them, and saving the
form that showed it clears it. Chosen photos are not kept: the page says to add them again.

A care home computer is often shared, so kept text is shown only to the
person who typed it. Each form carries ``typed_by``, the member's id signed
with the site's key (``signing``): it cannot be made up for someone else, and
text sent without a valid one is not kept at all.
https://docs.djangoproject.com/en/5.2/topics/signing/
"""

import datetime
import uuid

from django.forms import ModelMultipleChoiceField
from django.urls import reverse
from django.utils import timezone

from portal.core.typist import typist

SESSION_KEY = "share_forms_kept"
# Far more than anyone types in a box, so that what is shown back is what was sent (a phone
# review saw a 15,010-character box come back cut to 10,000, and saving it lost the rest);
# only a box longer than this keeps its first part.
MAX_CHARACTERS = 100_000
MAX_CHOICES = 50
# A few forms at once (one per tab); keeping another drops the oldest.
MAX_FORMS = 3


def _token(request, contribution):
    if contribution is not None:
        return str(contribution.token)
    try:
        return str(uuid.UUID(request.POST.get("token", "")))
    except ValueError:
        return None


def form_url(url_name, token, contribution=None):
    """The address of the form that shows kept text back: the draft's edit page, or the new form with its token."""
    if contribution is not None:
        return reverse("share:edit", args=[contribution.pk])
    return f"{reverse(url_name)}?form={token}"


def keep(request, form_class, contribution=None):
    """Keep what was sent to a posting form, for the member who typed it; return its token, or None.

    Only the form's own fields (never its photos or the security token), each
    cut to ``MAX_CHARACTERS``. Nothing is kept when the form has no token, nobody
    is named as having typed it, or someone else is signed in on this browser:
    that person must not be shown it.
    """
    user_id = typist(request)
    token = _token(request, contribution)
    if user_id is None or token is None:
        return None
    if request.user.is_authenticated and request.user.pk != user_id:
        return None
    if contribution is not None and contribution.author_id != user_id:
        return None
    data = {}
    for name, field in form_class.base_fields.items():
        if name == "token":
            continue
        # Empty ones too: a box cleared or every choice unticked is shown back that way, not as it was saved.
        if isinstance(field, ModelMultipleChoiceField):
            data[name] = [value[:MAX_CHARACTERS] for value in request.POST.getlist(name)[:MAX_CHOICES]]
        else:
            data[name] = (request.POST.get(name) or "")[:MAX_CHARACTERS]
    if not any(isinstance(value, str) and value.strip() for value in data.values()):
        return None  # nothing typed: nothing to say was kept
    photos_left_behind = any(request.FILES.values()) or any(
        request.POST.get(name) for name in request.POST if name.startswith("photo_") and name.endswith("_held")
    )
    kept = {
        key: value
        for key, value in (request.session.get(SESSION_KEY) or {}).items()
        if isinstance(value, dict) and key != token
    }
    while len(kept) >= MAX_FORMS:
        kept.pop(next(iter(kept)))
    kept[token] = {
        "user": user_id,
        "contribution": contribution.pk if contribution is not None else None,
        "data": data,
        "revision": (request.POST.get("revision") or "")[:20],
        "photos": bool(photos_left_behind),
        "at": timezone.now().isoformat(),
    }
    request.session[SESSION_KEY] = kept
    return token


def has_kept(request):
    """Whether any posting form's text is waiting in this browser's session (for the sign-in page to say so)."""
    session = getattr(request, "session", None)
    return bool(session.get(SESSION_KEY)) if session is not None else False


def kept_for(request, token, contribution=None):
    """What was kept for the form with ``token``, if the signed-in member typed it; else None."""
    entry = (request.session.get(SESSION_KEY) or {}).get(str(token))
    if not isinstance(entry, dict) or entry.get("user") != request.user.pk:
        return None
    if entry.get("contribution") != (contribution.pk if contribution is not None else None):
        return None
    try:
        kept_at = datetime.datetime.fromisoformat(entry.get("at", ""))
    except (TypeError, ValueError):
        kept_at = None
    return {**entry, "kept_at": kept_at}


def forget(request, token, marker):
    """A form that showed kept text back was saved: that text is no longer needed.

    ``marker`` is the hidden ``kept`` value that form carried (when it was
    kept). A save of the same draft from another tab, which never showed the
    kept text, leaves it waiting.
    """
    kept = request.session.get(SESSION_KEY)
    entry = kept.get(str(token)) if isinstance(kept, dict) else None
    if isinstance(entry, dict) and marker and entry.get("at") == marker:
        del kept[str(token)]
        if kept:
            request.session[SESSION_KEY] = kept
        else:
            del request.session[SESSION_KEY]
