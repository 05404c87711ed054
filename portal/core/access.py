"""Who is who: the one place that knows how members and moderators are told apart.

Approved members belong to the "Community members" group, which has no
Wagtail admin access; the programme team is Wagtail's "Moderators" group.
Views, templates and page restrictions ask these functions rather than
checking groups themselves.

A role that reaches beyond a member's works only once its holder has passed
two-factor authentication in the current session (issue 14): until then
``is_moderator`` says no, and the page says why (``with_two_factor``).
``portal.members.two_factor.TwoFactorMiddleware`` marks each request's user
with whether they have passed it.
"""

MEMBERS_GROUP = "Community members"
MODERATORS_GROUP = "Moderators"

# Set on request.user by TwoFactorMiddleware: a callable (picklable, as the user is cached with
# photos), did this session pass two-factor?
TWO_FACTOR_PASSED = "_portal_two_factor_passed"
# Set by with_two_factor when a role's reach was held back for want of it.
REACH_WITHHELD = "_portal_reach_withheld"


def _in_group(user, name):
    if not user.is_authenticated or not user.is_active:
        return False
    # Cached on the user object so a page that asks several times costs one query.
    names = getattr(user, "_portal_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._portal_group_names = names
    return name in names


def with_two_factor(user, has_role):
    """``has_role``, provided the user has passed two-factor in this session.

    A user the middleware has not marked (a command, an email being built) is
    judged by role alone: there is no session to ask. A held-back role is
    noted on the user, so the page can say why and link to two-factor.
    """
    passed = getattr(user, TWO_FACTOR_PASSED, None)
    if has_role and passed is not None and not passed():
        setattr(user, REACH_WITHHELD, True)
        return False
    return has_role


def is_moderator_role(user):
    """Superusers and the Moderators group, whether or not they have passed two-factor yet."""
    return user.is_authenticated and (user.is_superuser or _in_group(user, MODERATORS_GROUP))


def is_moderator(user):
    """The programme team's reach on the public site: the role, with two-factor passed in this session."""
    return with_two_factor(user, is_moderator_role(user))


def is_programme_team(user):
    """Anyone whose role reaches beyond a member's: staff, superusers, moderators, and
    anyone given a permission (admin access, editing pages, models or members).

    Members hold no permissions of their own (the "Community members" group has none).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.is_staff or _in_group(user, MODERATORS_GROUP) or user.get_all_permissions())


def is_member(user):
    """An approved community member (moderators and admins count as members too, with or without two-factor)."""
    return is_moderator_role(user) or _in_group(user, MEMBERS_GROUP)


def audience(user):
    """ "members" or "public": which of the two versions of a listing or count ``user`` is shown.

    Answers kept in the cache (``portal.core.memo.remember``) are kept once
    per audience, because members also see member-only pages.
    """
    return "members" if user is not None and is_member(user) else "public"


def organisation_of(user):
    """The organisation ``user`` may keep records for, or None (issue 18).

    An approved, active member speaks for the organisation the programme team
    confirmed when approving them (who checked, when and how is recorded on the
    profile); a member still waiting, declined, with an organisation not yet on
    the list, or whose organisation was changed since it was confirmed, speaks
    for none. Programme team reach over
    every organisation is ``may_keep_records_for``'s business, not this one's.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "member_profile", None)
    if profile is None or not profile.is_approved or not profile.organisation_confirmed:
        return None
    return profile.organisation


def keeps_records(user):
    """Does ``user`` keep an organisation's records (``organisation_of`` is not None)?

    The same answer without loading the organisation: one query for the
    profile, for a header link on every signed-in page.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    profile = getattr(user, "member_profile", None)
    return bool(profile is not None and profile.is_approved and profile.organisation_confirmed)


def may_keep_records_for(user, organisation):
    """May ``user`` write ``organisation``'s improvement records (change ideas, local measures)?

    Its own approved members may, and the programme team (with two-factor passed).
    """
    if organisation is None:
        return False
    if is_moderator(user):
        return True
    own = organisation_of(user)
    return own is not None and own.pk == organisation.pk
