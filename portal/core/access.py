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

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Exists, OuterRef

from portal.core.compiled import CompiledQuery

MEMBERS_GROUP = "Community members"
MODERATORS_GROUP = "Moderators"

# Set on request.user by TwoFactorMiddleware: a callable (picklable, as the user is cached with
# photos), did this session pass two-factor?
TWO_FACTOR_PASSED = "_portal_two_factor_passed"
# Set by with_two_factor when a role's reach was held back for want of it.
REACH_WITHHELD = "_portal_reach_withheld"


@dataclass(frozen=True)
class Standing:
    """What every signed-in page asks about its reader, read with the user (``load_user``, ``standing``).

    ``groups``: which of the two groups the portal tells people apart by
    (``MEMBERS_GROUP``, ``MODERATORS_GROUP``) they belong to; ``may_use_admin``:
    whether they hold Wagtail's "access_admin" permission, themselves or
    through a group. Their member profile, if any, is put on the user as
    ``member_profile``, as ``select_related`` would.

    Kept on the user object only, which is loaded afresh for every request:
    a change of group, permission, approval, profile or password, or a
    deactivation, shows on the next request. Should the user object be
    pickled (a photo's uploader goes into the cache with its renditions),
    this is left behind and read again.
    """

    groups: frozenset
    may_use_admin: bool

    def __reduce__(self):
        return (_unread, ())


def _unread():
    return None


def _user_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _profile_model():
    # The member profile (portal.members, a layer above), found through the user model's reverse relation.
    return get_user_model()._meta.get_field("member_profile").related_model


def _user_query(user_id):
    """The user, whether they are in each of the two groups and may use the admin, and their profile: one row."""
    user_model = get_user_model()
    memberships = user_model.groups.through.objects.filter(user_id=OuterRef("pk"))
    access_admin = Permission.objects.filter(codename="access_admin", content_type__app_label="wagtailadmin")
    return user_model.objects.filter(pk=user_id).values_list(
        *_user_fields(),
        Exists(memberships.filter(group__name=MEMBERS_GROUP)),
        Exists(memberships.filter(group__name=MODERATORS_GROUP)),
        Exists(access_admin.filter(user=OuterRef("pk"))),
        Exists(access_admin.filter(group__user=OuterRef("pk"))),
        *(f"member_profile__{field.attname}" for field in _profile_model()._meta.concrete_fields),
    )


# Compiled with an id no user has.
_USER_QUERY = CompiledQuery(_user_query, placeholder=-7_340_033)


def _read(user_id, using):
    """``(user fields, Standing, profile fields)`` for ``user_id``, or None if there is no such user."""
    row = _USER_QUERY.row(user_id, using=using)
    if row is None:
        return None
    count = len(_user_fields())
    in_members, in_moderators, admin_given, admin_by_group = row[count : count + 4]
    known = Standing(
        groups=frozenset(
            name for name, belongs in ((MEMBERS_GROUP, in_members), (MODERATORS_GROUP, in_moderators)) if belongs
        ),
        may_use_admin=bool(admin_given or admin_by_group),
    )
    return row[:count], known, row[count + 4 :]


def _keep(user, known, profile_values, using):
    user._portal_standing = known
    relation = get_user_model().member_profile.related
    if relation.is_cached(user):
        return
    member_profile = None
    if profile_values[0] is not None:
        model = _profile_model()
        names = [field.attname for field in model._meta.concrete_fields]
        member_profile = model.from_db(using, names, profile_values)
        relation.field.set_cached_value(member_profile, user)
    relation.set_cached_value(user, member_profile)


def load_user(user_id):
    """The user ``user_id`` with their ``standing`` and member profile, in one query; None if there is none.

    What ``portal.members.backends`` loads a signed-in request's user with,
    in place of Django's ``User.objects.get(pk=user_id)``. Every signed-in
    page asks these (the user bar, the header's links, which version of a
    listing to show), and they used to cost a query each besides the user's
    own (the groups, the admin permission, the member profile): with the
    ORM's work of building each, about as much as a signed-out page's
    whole render added to it. The SQL is written by the ORM once per process
    (``portal.core.compiled``).
    """
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    using = router.db_for_read(user_model)
    read = _read(user_id, using)
    if read is None:
        return None
    user_values, known, profile_values = read
    user = user_model.from_db(using, _user_fields(), user_values)
    _keep(user, known, profile_values, using)
    return user


def standing(user):
    """``user``'s ``Standing`` (a saved user): read once per user object, so once per request.

    Free for a request's user (``load_user`` read it with them); a user loaded
    any other way costs the one query.
    """
    known = getattr(user, "_portal_standing", None)
    if known is not None:
        return known
    using = user._state.db or DEFAULT_DB_ALIAS
    read = _read(user.pk, using)
    if read is None:  # deleted since it was loaded: no groups, no access, no profile
        known, profile_values = Standing(groups=frozenset(), may_use_admin=False), [None]
    else:
        _, known, profile_values = read
    _keep(user, known, profile_values, using)
    return known


def _member_profile(user):
    """``user.member_profile`` or None: as loaded with the user, or read with their ``standing``."""
    if not get_user_model().member_profile.related.is_cached(user):
        standing(user)
    return getattr(user, "member_profile", None)


def _in_group(user, name):
    if not user.is_authenticated or not user.is_active:
        return False
    return name in standing(user).groups


def may_use_admin(user):
    """May ``user`` open the Wagtail admin: superusers, and anyone given its "access_admin" permission.

    The permission as Django's ``user.has_perm("wagtailadmin.access_admin")``
    finds it (given to the user or to one of their groups), read with the rest
    of their ``standing`` rather than by loading every permission they hold.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or standing(user).may_use_admin


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
    profile = _member_profile(user)
    if profile is None or not profile.is_approved or not profile.organisation_confirmed:
        return None
    return profile.organisation


def keeps_records(user):
    """Does ``user`` keep an organisation's records (``organisation_of`` is not None)?

    The same answer without loading the organisation: the profile comes with
    the user's ``standing``, for a header link on every signed-in page.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    profile = _member_profile(user)
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
