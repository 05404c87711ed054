"""The programme team's decision on a member, in one place for the admin views.

Each decision changes the profile, is written to Wagtail's log (so it shows
in the member's history and in the admin's site history report) and is
emailed to the member: the email is queued in the same transaction, so a
mail server that is down neither undoes the decision nor loses the email.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from portal.core.access import MEMBERS_GROUP

from .emails import tell_member_of_decision
from .models import MemberProfile

APPROVE_ACTION = "members.approve"
DECLINE_ACTION = "members.decline"


def approve(profile, moderator, organisation, confirmed_how):
    """Approve ``profile`` as a member of ``organisation``, recording that ``moderator``
    confirmed they work there, and how (a ``MemberProfile.ConfirmedHow``)."""
    with transaction.atomic():
        now = timezone.now()
        profile.status = MemberProfile.Status.APPROVED
        profile.organisation = organisation
        profile.decided_at = now
        profile.decided_by = moderator
        profile.organisation_confirmed_for = organisation
        profile.organisation_confirmed_by = moderator
        profile.organisation_confirmed_at = now
        profile.organisation_confirmed_how = confirmed_how
        profile.save(
            update_fields=[
                "status",
                "organisation",
                "decided_at",
                "decided_by",
                "organisation_confirmed_for",
                "organisation_confirmed_by",
                "organisation_confirmed_at",
                "organisation_confirmed_how",
            ]
        )
        profile.user.groups.add(Group.objects.get(name=MEMBERS_GROUP))
        log(
            profile,
            APPROVE_ACTION,
            user=moderator,
            data={
                "organisation": organisation.name,
                "confirmed_how": MemberProfile.ConfirmedHow(confirmed_how).label,
            },
        )
        tell_member_of_decision(profile)


def decline(profile, moderator):
    with transaction.atomic():
        profile.status = MemberProfile.Status.DECLINED
        profile.decided_at = timezone.now()
        profile.decided_by = moderator
        profile.save(update_fields=["status", "decided_at", "decided_by"])
        profile.user.groups.remove(Group.objects.get(name=MEMBERS_GROUP))
        log(profile, DECLINE_ACTION, user=moderator)
        tell_member_of_decision(profile)
