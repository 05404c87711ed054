"""Two-factor authentication: required for the programme team, a choice for members.

allauth's MFA app does the work (an authenticator app's six-digit codes, and
recovery codes for when the phone is lost); see
https://docs.allauth.org/en/latest/mfa/introduction.html. What the portal adds:

- ``AdminTwoFactorMiddleware``: anyone who can open the admin but has no
  authenticator app yet is sent to set one up, from every admin page, and
  cannot use the admin until they have.
- ``TwoFactorAdapter``: the messages in the portal's words, and no turning
  two-factor off for someone who needs it for the admin.
"""

from urllib.parse import urlencode

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Signing out of the admin must keep working for someone who has not set up two-factor yet.
ALWAYS_OPEN = ("/admin/logout/", "/django-admin/logout/")


def has_admin_access(user):
    """The programme team: anyone who may open the Wagtail admin (or Django's)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def has_authenticator_app(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AdminTwoFactorMiddleware:
    """Send programme team members without an authenticator app to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith(tuple(settings.PORTAL_ADMIN_PATH_PREFIXES))
            and not path.startswith(ALWAYS_OPEN)
            and has_admin_access(request.user)
            and not has_authenticator_app(request.user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'for': 'admin'})}")
        return self.get_response(request)


class TwoFactorAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not right. Type the 6 numbers your authenticator app shows now.",
        "cannot_delete_authenticator": "You cannot turn off two-factor authentication: "
        "the programme team needs it to use the admin.",
        "unverified_email": "Confirm your email address before you set up two-factor authentication.",
    }

    def can_delete_authenticator(self, authenticator):
        return not has_admin_access(authenticator.user) and super().can_delete_authenticator(authenticator)
