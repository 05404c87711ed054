"""Absolute links for emails, all starting with the one public address.

An email is read away from the request that sent it, so its links cannot come
from the host that request used (a moderator on loopback, a proxy's name) nor
from Wagtail's Site record (``http://localhost`` unless someone edits it).
Every link the portal writes into an email is built here from
``settings.PORTAL_BASE_URL``, which the environment sets once (README,
"Configuration").
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse


def base_url():
    return settings.PORTAL_BASE_URL.rstrip("/")


def public_url(path="/"):
    """The public address of a path on this site, such as ``/share/``."""
    if not path.startswith("/"):
        path = "/" + path
    return base_url() + path


def page_url(page):
    """The public address of a Wagtail page, whatever its Site record says."""
    url_parts = page.get_url_parts()
    path = url_parts[2] if url_parts else page.url_path
    return public_url(path or "/")


def sign_in_url(next_path="/"):
    """The sign-in page, which then takes the person on to ``next_path``."""
    return public_url(reverse("account_login") + "?" + urlencode({"next": next_path}))


def rebased(url):
    """The same address on the public site: ``http://testserver/a/?b#c`` becomes ``<base>/a/?b#c``.

    For links that a library builds from the request (allauth's confirmation
    and password-reset links); anything that is not an absolute http(s) link
    is returned as it is.
    """
    if not isinstance(url, str):
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    rest = parts.path or "/"
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment:
        rest += "#" + parts.fragment
    return public_url(rest)
