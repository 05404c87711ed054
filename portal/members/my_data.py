"""A member's own data: a copy to download, and deleting their account.

What a member wrote for the public stays on the site when they leave, named
only by their organisation; everything that is about them as a person goes.
The export reads each kind of record in one query, so its cost does not grow
with how much a member has written.

Members sit below the apps that hold a member's posts and comments (learning,
comments), so those apps tell this module what they hold: each registers a
``MemberDataPart`` in its ``AppConfig.ready``, and this module never imports them.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import MemberProfile
from .names import names_used as all_names_used

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberDataPart:
    """What one app holds about a member.

    ``export(user, request)`` returns the app's sections of the download (a dict);
    ``hand_over(user, organisation_name)`` runs inside the deletion, before the
    account goes, and keeps or deletes what the app holds. ``position`` orders
    the parts in the download and in the deletion.
    """

    position: int
    export: Callable
    hand_over: Callable


_parts = {}


def register(name, part):
    """Add (or replace, if ``ready`` runs twice) the part ``name`` that an app holds."""
    _parts[name] = part


def parts():
    return sorted(_parts.values(), key=lambda part: part.position)


def when(moment):
    return moment.isoformat() if moment else None


def live_url(page, request):
    return page.get_full_url(request) if page.live else None


def names_used(user):
    """Every name the member has gone by, newest first, with when they took it (``portal.members.names``)."""
    return [{"name": str(record), "from": when(record.used_from)} for record in all_names_used(user)]


def export_member_data(user, request):
    """Everything the portal holds about ``user``, as plain data ready for JSON."""
    profile = (
        MemberProfile.objects.select_related("organisation")
        .prefetch_related("followed_settings", "followed_domains")
        .filter(user=user)
        .first()
    )
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    data = {
        "account": {
            "name": user.get_full_name(),
            "username": user.get_username(),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary} for address in emails
            ],
            "names_used": names_used(user),
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
        },
        "profile": None
        if profile is None
        else {
            "organisation": profile.organisation.name if profile.organisation_id else None,
            "requested_organisation": profile.requested_organisation,
            "role": profile.role,
            "status": profile.get_status_display(),
            "decided_at": when(profile.decided_at),
            "organisation_confirmed_at": when(profile.organisation_confirmed_at),
            "organisation_confirmed_how": profile.get_organisation_confirmed_how_display(),
            "follows": {
                "care_settings": [setting.name for setting in profile.followed_settings.all()],
                "safety_domains": [domain.name for domain in profile.followed_domains.all()],
            },
            "wants_digest": profile.wants_digest,
            "last_digest_at": when(profile.last_digest_at),
        },
    }
    for part in parts():
        data.update(part.export(user, request))
    return data


def former_member_name(organisation_name):
    return f"A former member of {organisation_name}" if organisation_name else "A former member"


@transaction.atomic
def delete_member_account(user):
    """Delete ``user`` and what is only theirs; keep what they published, credited to their organisation.

    Each registered part hands over what its app holds first (learning: posts;
    comments: the organisation named on each comment).
    """
    user_id = user.pk
    profile = MemberProfile.objects.select_related("organisation").filter(user=user).first()
    organisation_name = profile.organisation_name if profile else ""

    for part in parts():
        part.hand_over(user, organisation_name)
    user.delete()
    logger.info("User %s deleted their own account", user_id)
