"""Who may do what with a round. Views and templates ask these; nothing else checks roles."""

from django.core.exceptions import ObjectDoesNotExist

from portal.core.access import is_member, is_moderator


def is_facilitator(user, round):
    return user.is_authenticated and user.is_active and round.facilitator_id == user.pk


def can_see_results(user, round):
    """The round's facilitator and the programme team; never the people who answered as such."""
    return is_facilitator(user, round) or is_moderator(user)


def can_debrief(user, round):
    """Only the facilitator records what the team agreed."""
    return is_facilitator(user, round)


def member_organisation_id(user):
    """The organisation an approved member works for, or None."""
    if not is_member(user):
        return None
    try:
        profile = user.member_profile
    except ObjectDoesNotExist:
        return None
    return profile.organisation_id if profile.is_approved else None


def belongs_to(user, organisation_id):
    """An approved member whose profile names this organisation."""
    return organisation_id is not None and member_organisation_id(user) == organisation_id


def can_see_summary(user, round):
    """The printable summary: results viewers always; the organisation's members once the debrief is complete."""
    return can_see_results(user, round) or (round.debrief_complete and belongs_to(user, round.organisation_id))


def can_open_round(user):
    """An approved member opens rounds for their own organisation and facilitates them; the
    programme team opens rounds for anyone in the admin."""
    return member_organisation_id(user) is not None


def can_see_aggregates(user):
    return is_moderator(user)
