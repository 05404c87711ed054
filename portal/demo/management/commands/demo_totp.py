"""Print the current two-factor code for a demo staff account (development only).

The demo's ``admin`` and ``editor`` accounts have an authenticator set up from a
known key (``portal.demo.loader.DEMO_TOTP_SECRETS``), so that anyone trying the
demo can sign in to the admin without setting up an app first.
"""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo.loader import DEMO_TOTP_SECRETS


def current_code(secret, now=None):
    """The code an authenticator app set up with ``secret`` shows at ``now``, as allauth checks it."""
    now = time.time() if now is None else now
    return format_hotp_value(hotp_value(secret, int(now) // app_settings.TOTP_PERIOD))


class Command(BaseCommand):
    help = "Print the current two-factor code for a demo staff account (admin or editor). Development only."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=sorted(DEMO_TOTP_SECRETS))

    def handle(self, *args, username, **options):
        if not settings.PORTAL_DEMO_ACCOUNTS:
            raise CommandError("Demo accounts exist only under development settings.")
        now = time.time()
        left = app_settings.TOTP_PERIOD - int(now) % app_settings.TOTP_PERIOD
        self.stdout.write(current_code(DEMO_TOTP_SECRETS[username], now))
        self.stderr.write(f"Valid for {left} more seconds, and once only.")
