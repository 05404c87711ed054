"""Pages of the portal's own for requests that Django turns away."""

from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Each app may keep what a turned-away form held (``keep_on_csrf_failure``): a function of the
# request and the resolved URL that keeps it and returns the page to go back to, or None.
_keepers = []


def keep_on_csrf_failure(keeper):
    """Register ``keeper(request, match)``, asked for each form turned away for its token."""
    _keepers.append(keeper)
    return keeper


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


def sent_from_this_site(request):
    """Whether a turned-away form was sent from one of this site's own pages.

    Browsers name the page's origin in ``Origin`` on every POST (and
    ``Sec-Fetch-Site`` says whether it was the same); without either, the
    ``Referer`` must be one of this site's pages. Another site's form, which
    may be sent without the member's session cookie, never counts: keeping
    what it sent would start a new session over the member's own and put
    words of another site's choosing in their box.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        scheme = "https" if request.is_secure() else "http"
        return origin == f"{scheme}://{request.get_host()}"
    return same_site_path(request, request.META.get("HTTP_REFERER", "")) is not None


def csrf_failure(request, reason=""):
    """A form sent with an out-of-date security token (CSRF_FAILURE_VIEW).

    This happens most often when someone signs in or out in another tab, or
    leaves a form open for a long time, and then sends it. Django's own page
    is bare and technical; this one is in the site's design, says nothing was
    changed and links back. ``reason`` is for the log only and never shown.
    https://docs.djangoproject.com/en/5.2/ref/csrf/#how-to-use-django-s-csrf-protection
    """
    back = same_site_path(request, request.META.get("HTTP_REFERER", "")) or "/"
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    kept = None
    if match is not None and request.method == "POST" and sent_from_this_site(request):
        for keeper in _keepers:
            kept = keeper(request, match) or kept
    signed_in = request.user.is_authenticated
    url_name = match.url_name if match else None
    next_url = same_site_path(request, request.POST.get("next", "")) if request.method == "POST" else None
    context = {
        "back_url": kept or back,
        "kept": bool(kept),
        "login_url": reverse("account_login"),
        # Signing out from an old tab: they are still signed in, and should be told so.
        "still_signed_in": signed_in and url_name == "account_logout",
        # Signing in from an old tab when another tab already did.
        "already_signed_in": signed_in and url_name == "account_login",
        "next_url": next_url or "/",
    }
    return render(request, "errors/csrf_failure.html", context, status=403)
