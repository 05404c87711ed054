"""Sign-in backends: Django's and allauth's, loading a signed-in request's user in one query.

Every signed-in request loads its user from the session's user id
(``django.contrib.auth.get_user``), and then asks about their groups, their
admin access and their member profile. These backends load all of it at once
(``portal.core.access.load_user``); signing in, passwords and permissions are
Django's and allauth's own, unchanged. Django still checks the session against
the user's password hash on every request, so changing a password ends other
sessions, and a user made inactive is signed out on their next request.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from portal.core.access import load_user


class LoadsUserWithStanding:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(LoadsUserWithStanding, DjangoModelBackend):
    """Django's backend (the Wagtail admin's sign-in by username)."""


class AuthenticationBackend(LoadsUserWithStanding, AllauthBackend):
    """allauth's backend (the public site's sign-in by email address, sign-in codes)."""
