"""Who typed a form: the member's id, signed, carried by every form whose text may be kept.

When a member's session ends in another tab, what they then send from an
older tab is kept for them (a comment, a learning note), to be shown back
once they sign in again. A care home computer is often shared, so it is
shown only to the person who typed it: each such form carries ``typed_by``,
the member's id signed with the site's key. It cannot be made up for
someone else, and text sent without a valid one is not kept at all.
https://docs.djangoproject.com/en/5.2/topics/signing/
"""

from django.core import signing

SIGNING_SALT = "learning.kept_forms.typed_by"  # its first use; forms already open still carry it


def typed_by(user):
    """The signed ``typed_by`` value a form carries for ``user``."""
    return signing.dumps(user.pk, salt=SIGNING_SALT)


def typist(request):
    """The id of the member who typed the form ``request`` sent, or None if it does not say (or lies)."""
    try:
        return signing.loads(request.POST.get("typed_by", ""), salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
