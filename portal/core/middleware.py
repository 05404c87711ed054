"""Middleware for the portal's security headers.

The headers themselves come from libraries configured in ``portal/settings``:
django-csp for the Content Security Policy, django-permissions-policy for
Permissions-Policy and Django's SecurityMiddleware for the rest. What lives here
is only what those cannot do alone.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


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
