"""What every endpoint of the read-only API shares: no credentials, a throttle per client.

The API (/api/v2/, portal/api.py) is public and read-only, like the feeds; see
docs/security.md, "The read-only API reads no credentials".
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.members.client_ip import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """``PORTAL_API_RATE`` requests per client address, whoever they say they are.

    The address is the sign-in throttle's (``portal.members.client_ip``): behind
    the trusted nginx it is the visitor's, and a forged X-Forwarded-For from
    anyone else changes nothing. DRF's own ``get_ident`` would believe that header.
    """

    scope = "api"

    def get_rate(self):
        return settings.PORTAL_API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class PublicAPIMixin:
    """Public and read-only: no credentials are read, every client is throttled.

    Set on each endpoint as well as in ``REST_FRAMEWORK``, so that no endpoint
    can fall back to DRF's defaults (session and HTTP Basic authentication,
    which made the API a password-guessing oracle beside the throttled sign-in).
    """

    authentication_classes = []
    permission_classes = []
    throttle_classes = [ClientRateThrottle]
