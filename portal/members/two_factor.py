"""Two-factor authentication: required for the programme team, a choice for members.

allauth's MFA app does the work (an authenticator app's six-digit codes, and
recovery codes for when the phone is lost); see
https://docs.allauth.org/en/latest/mfa/introduction.html. What the portal adds:

- ``TwoFactorMiddleware``: marks every request's user with whether this
  session has passed two-factor, so that a role beyond a member's works only
  after it, wherever the view lives (``portal.core.access.with_two_factor``).
  In the admin, anyone who has no authenticator app yet is sent to set one up,
  and anyone who has one but has not used it this session is asked for a code.
- ``two_factor_notice``: the message, on any page where a role was held back,
  saying why and linking to set up or verify two-factor.
- ``TwoFactorAdapter``: the messages in the portal's words, and no turning
  two-factor off for the programme team.
"""

import datetime
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property

from portal.core.access import REACH_WITHHELD, TWO_FACTOR_PASSED, is_programme_team, with_two_factor

# Signing out of the admin must keep working for someone who has not set up two-factor yet.
ALWAYS_OPEN = ("/admin/logout/", "/django-admin/logout/")


def has_admin_access(user):
    """The programme team's role in the admin: anyone who may open the Wagtail admin (or Django's)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def has_admin_reach(user):
    """Admin access that works now: the role, with two-factor passed in this session."""
    return with_two_factor(user, has_admin_access(user))


def has_authenticator_app(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def passed_two_factor(request):
    """Has this session's user typed an authenticator or recovery code since signing in?

    allauth records each way someone proved who they are in the session (the
    password, then "mfa" for the code) and forgets them at sign-out. Setting
    up an app means typing a code from it too, so an app set up since this
    session signed in also counts.
    """
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    if not records:
        return False
    signed_in_at = datetime.datetime.fromtimestamp(min(record["at"] for record in records), tz=datetime.UTC)
    return Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP, created_at__gte=signed_in_at
    ).exists()


class TwoFactorCheck:
    """Has this request's session passed two-factor? Asked once, when a view first asks about a role.

    Set on ``request.user``, which gets written to the cache with anything it is
    attached to (a photo's uploader, and so every rendition of that photo), so it
    must pickle. The request it asks about does not travel: a copy read back from
    the cache has no session to ask, and says no.
    """

    def __init__(self, request=None):
        self._request = request
        self._answer = None

    def __call__(self):
        if self._request is None:
            return False
        if self._answer is None:
            self._answer = passed_two_factor(self._request)
        return self._answer

    def __reduce__(self):
        return (TwoFactorCheck, ())


class TwoFactorMiddleware:
    """Mark who has passed two-factor; keep the admin for those who have."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # Asked only when a view asks about a role, so members' pages cost nothing more.
            setattr(user, TWO_FACTOR_PASSED, TwoFactorCheck(request))
            path = request.path_info
            if (
                path.startswith(tuple(settings.PORTAL_ADMIN_PATH_PREFIXES))
                and not path.startswith(ALWAYS_OPEN)
                and has_admin_access(user)
                and not passed_two_factor(request)
            ):
                if not has_authenticator_app(user):
                    return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'for': 'admin'})}")
                return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class TwoFactorNotice:
    """What the page says when a programme-team role was held back on it.

    Read when the template renders, after the view has asked about roles, so
    the notice appears exactly where something was withheld.
    """

    def __init__(self, request):
        self.request = request

    @property
    def show(self):
        return bool(getattr(self.request.user, REACH_WITHHELD, False))

    @cached_property
    def has_app(self):
        return has_authenticator_app(self.request.user)

    @cached_property
    def url(self):
        if self.has_app:
            return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': self.request.get_full_path()})}"
        return reverse("mfa_activate_totp")


def two_factor_notice(request):
    return {"two_factor_notice": TwoFactorNotice(request)}


class TwoFactorAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not right. Type the 6 numbers your authenticator app shows now.",
        "cannot_delete_authenticator": "You cannot turn off two-factor authentication: "
        "the programme team needs it to use the admin.",
        "unverified_email": "Confirm your email address before you set up two-factor authentication.",
    }

    def can_delete_authenticator(self, authenticator):
        return not is_programme_team(authenticator.user) and super().can_delete_authenticator(authenticator)
