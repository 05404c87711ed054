"""What the demo's members share: an approved member's organisation, confirmed."""

from django.utils import timezone

from portal.members.models import MemberProfile


def confirmed_by_programme_team(status, organisation):
    """The confirmation fields of an approved demo member, as the programme team would have recorded them."""
    if status != MemberProfile.Status.APPROVED or organisation is None:
        return {}
    return {
        "organisation_confirmed_for": organisation,
        "organisation_confirmed_at": timezone.now(),
        "organisation_confirmed_how": MemberProfile.ConfirmedHow.KNOWN,
    }
