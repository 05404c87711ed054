import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from portal.members.factories import MemberFactory, ModeratorFactory
from tests.mail.smtp import LoopbackSMTPServer

ROOT = Path(__file__).resolve().parents[2]

CLOSED_PORT = 9


@pytest.fixture(params=["closed port", "server disconnects"])
def mail_server_down(request, settings):
    """The mail server fails: either nothing listens on its port, or it drops the connection.

    Every email goes through the outbox, as the portal's EMAIL_BACKEND sends it there.
    """
    settings.EMAIL_BACKEND = "portal.mail.backends.OutboxBackend"
    if request.param == "closed port":
        settings.PORTAL_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = CLOSED_PORT
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
    else:
        settings.PORTAL_MAIL_DELIVERY_BACKEND = "tests.mail.backends.RefusingBackend"
    return request.param


@pytest.fixture
def mail_server_back(settings):
    """Call to bring the mail server back (Django's in-memory test backend)."""

    def back():
        settings.PORTAL_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return back


@pytest.fixture
def member(db):
    return MemberFactory(user__first_name="Grace", user__last_name="Okafor", user__email="grace.okafor@example.org")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(first_name="Ravi", last_name="Chandran", email="ravi.chandran@example.org")


# A mail server that hangs, and the portal set up as production sets it up -------------------------

PRODUCTION_MAIL_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    name: getattr(settings, name)
    for name in ("EMAIL_BACKEND", "PORTAL_MAIL_DELIVERY_BACKEND", "EMAIL_TIMEOUT", "TASKS")
    if hasattr(settings, name)
}))
"""


def production_settings_for_mail(**variables):
    """What ``portal.settings.production`` makes of the email and task settings, read in a fresh interpreter."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("EMAIL_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "k" * 64,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_USE_TLS": "0",
            **variables,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_MAIL_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def production_mail_settings():
    return production_settings_for_mail()


@pytest.fixture
def smtp_server():
    """A mail server on loopback that accepts connections and, until ``answer()``, never answers."""
    server = LoopbackSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def production_mail(settings, smtp_server, production_mail_settings):
    """Email and tasks as production has them, with EMAIL_HOST at the loopback server."""
    for name, value in production_mail_settings.items():
        setattr(settings, name, value)
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


def run_queued_tasks():
    """Run the tasks waiting in the database queue, as the worker (``manage.py db_worker``) does, then stop.

    The worker closes database connections between tasks; here that would end
    the test's transaction, so that one call is left out.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
