"""Who is who: the one place that knows how members and moderators are told apart.

Approved members belong to the "Community members" group, which has no
Wagtail admin access; the programme team is Wagtail's "Moderators" group.
Views, templates and page restrictions ask these functions rather than
checking groups themselves.
"""

MEMBERS_GROUP = "Community members"
MODERATORS_GROUP = "Moderators"


def _in_group(user, name):
    if not user.is_authenticated or not user.is_active:
        return False
    # Cached on the user object so a page that asks several times costs one query.
    names = getattr(user, "_portal_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._portal_group_names = names
    return name in names


def is_moderator(user):
    return user.is_authenticated and (user.is_superuser or _in_group(user, MODERATORS_GROUP))


def is_member(user):
    """An approved community member (moderators and admins count as members too)."""
    return is_moderator(user) or _in_group(user, MEMBERS_GROUP)


def audience(user):
    """ "members" or "public": which of the two versions of a listing or count ``user`` is shown.

    Answers kept in the cache (``portal.core.pagecache.remember``) are kept once
    per audience, because members also see member-only pages.
    """
    return "members" if user is not None and is_member(user) else "public"
