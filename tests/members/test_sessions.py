"""Sessions: in the database as Django keeps them, read through SQL the ORM writes once per process."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from portal.members.factories import MemberFactory
from portal.members.sessions import SessionStore

pytestmark = pytest.mark.django_db


def session_for(user, backend):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client, session.session_key


def is_signed_in(client, home):
    return "Sign out" in client.get("/").content.decode()


def test_sessions_are_kept_in_the_database(home):
    assert settings.SESSION_ENGINE == "portal.members.sessions"
    client = Client()
    client.force_login(MemberFactory())
    assert Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).exists()


def test_a_session_reads_back_what_was_stored(db):
    session = SessionStore()
    session["chosen"] = ["care-homes", 3]
    session.save()
    again = SessionStore(session.session_key)
    assert again["chosen"] == ["care-homes", 3]
    assert again.get_expiry_date() > timezone.now()


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key_when_saved(db):
    session = SessionStore()
    session["chosen"] = "x"
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() - datetime.timedelta(1))
    expired = SessionStore(session.session_key)
    assert expired.get("chosen") is None
    expired["chosen"] = "y"
    expired.save()
    assert expired.session_key != session.session_key
    assert SessionStore("nosuchsessionkey0000000000000000").load() == {}


@pytest.mark.parametrize(
    "backend",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
        "portal.members.backends.ModelBackend",
        "portal.members.backends.AuthenticationBackend",
    ],
)
def test_sessions_signed_in_under_the_packages_backends_stay_signed_in(home, backend):
    client, key = session_for(MemberFactory(), backend)
    assert is_signed_in(client, home)
    Session.objects.filter(session_key=key).delete()
    assert not is_signed_in(client, home)


def test_a_session_naming_a_backend_the_portal_does_not_use_is_signed_out(home):
    client, _ = session_for(MemberFactory(), "somewhere.else.Backend")
    assert not is_signed_in(client, home)
