"""Pages of the portal's own for requests that Django turns away."""

from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def same_site_path(request, url):
    """The path and query of ``url`` when it is on this site, otherwise None.

    Only a path is kept, never a host, so the link can lead nowhere else.
    https://docs.djangoproject.com/en/5.2/ref/utils/#django.utils.http.url_has_allowed_host_and_scheme
    """
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_failure(request, reason=""):
    """A form sent with an out-of-date security token (CSRF_FAILURE_VIEW).

    This happens most often when someone signs in or out in another tab, or
    leaves a form open for a long time, and then sends it. Django's own page
    is bare and technical; this one is in the site's design, says nothing was
    changed and links back. ``reason`` is for the log only and never shown.
    https://docs.djangoproject.com/en/5.2/ref/csrf/#how-to-use-django-s-csrf-protection
    """
    back = same_site_path(request, request.META.get("HTTP_REFERER", "")) or "/"
    context = {"back_url": back, "login_url": reverse("account_login")}
    return render(request, "errors/csrf_failure.html", context, status=403)
