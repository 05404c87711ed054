"""Middleware for the portal's security headers and for failing gracefully.

The headers themselves come from libraries configured in ``portal/settings``:
django-csp for the Content Security Policy, django-permissions-policy for
Permissions-Policy and Django's SecurityMiddleware for the rest. What lives here
is only what those cannot do alone.
"""

import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with a second, looser policy for the admin.

    The public site runs no inline script, so it gets the strict policy in
    ``CONTENT_SECURITY_POLICY``. The Wagtail and Django admins still ship some
    inline scripts and styles (inline panels, date pickers) and show page
    previews in a same-origin frame, so paths under
    ``PORTAL_ADMIN_PATH_PREFIXES`` get ``PORTAL_ADMIN_CONTENT_SECURITY_POLICY``
    instead. Subclassing ``get_policy_parts`` is how django-csp 4 asks to be
    extended: https://django-csp.readthedocs.io/en/latest/configuration.html
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.PORTAL_ADMIN_PATH_PREFIXES))
        ):
            parts.config = settings.PORTAL_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class DatabaseUnavailableMiddleware:
    """Answer with a plain 503 page when the database cannot be reached or is locked.

    Without this a lost connection or a locked SQLite file is an ordinary 500.
    The page is rendered from a template that needs no database (no site
    settings, no navigation), says when to try again, and for a POST says plainly
    that nothing was saved and that the browser's Back button returns to the
    form with what the person typed. The error and its traceback go to the log,
    never to the page.
    """

    retry_after_seconds = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s", request.method, request.path, exc_info=exception)
        html = render_to_string(
            "503.html",
            {"was_sent": request.method not in {"GET", "HEAD", "OPTIONS"}, "retry_minutes": 1},
        )
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(self.retry_after_seconds)
        return response
