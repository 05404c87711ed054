import pytest

from portal.members.factories import MemberFactory, ModeratorFactory

CLOSED_PORT = 9


@pytest.fixture(params=["closed port", "server disconnects"])
def mail_server_down(request, settings):
    """The mail server fails: either nothing listens on its port, or it drops the connection."""
    if request.param == "closed port":
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = CLOSED_PORT
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
    else:
        settings.EMAIL_BACKEND = "tests.mail.backends.RefusingBackend"
    return request.param


@pytest.fixture
def mail_server_back(settings):
    """Call to bring the mail server back (Django's in-memory test backend)."""

    def back():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return back


@pytest.fixture
def member(db):
    return MemberFactory(user__first_name="Grace", user__last_name="Okafor", user__email="grace.okafor@example.org")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(first_name="Ravi", last_name="Chandran", email="ravi.chandran@example.org")
