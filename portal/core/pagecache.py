"""Whole-page caching for anonymous visitors, and purging it when content changes.

Two caches hold rendered public pages, and both are emptied of what a change
makes stale:

* **The app's own cache** (``PageCacheMiddleware``), for set-ups without a
  caching proxy. It stores the response to an anonymous ``GET`` under a key made
  of the host, the full path with its query string, and a *content
  generation*: a random token kept in the cache that every content change
  replaces (``bump_generation``). Replacing one token makes every page that
  was cached before the change unreachable at once, however many listing,
  taxonomy, filter and pagination URLs showed the changed page, so there is no
  list of URLs to get wrong; the orphaned entries expire on their own. A
  token rather than a counter, so that a cache that evicts or loses the key
  starts a fresh generation instead of counting back into old entries.

* **A reverse proxy in front** (nginx's ``proxy_cache``, ``deploy/nginx/``),
  which cannot see the token. It is purged URL by URL through Wagtail's
  frontend cache invalidation (``wagtail.contrib.frontend_cache``): Wagtail
  purges the changed page's own URLs, and ``purge_related_urls`` adds the
  pages that list or summarise content: the home page, every listing, the
  taxonomy pages, the roadmap, the feeds and the sitemap. Responses to URLs
  with a query string (filtered or later pages of a listing) cannot be
  purged one by one, so the proxy keeps them for a shorter time
  (``PORTAL_PAGE_CACHE_QUERY_SECONDS``).

Who is never served from either cache: anyone whose request carries the
session cookie (signed-in members, editors) or the messages cookie (a "you
have signed out" banner is waiting). Their responses say ``Cache-Control:
private, no-cache``. What is never stored: anything but a ``200`` to a ``GET``,
a response that sets a cookie or uses a CSRF token or a CSP nonce, one the view marked
private itself, and the paths in ``PORTAL_PAGE_CACHE_EXCLUDED_PATHS`` (admin,
accounts, members, search, the API, documents). Because only what an anonymous
request produced is stored, a member-only page can never be in the cache: an
anonymous request for it is redirected to sign in.

If the cache cannot be reached the page is rendered as if nothing were
cached (``portal.core.cache_backends``).

This module is the middleware and the generation token. Purging (the signal
receivers and the proxy purge) is ``portal.core.purge``; answers kept until
content next changes are ``portal.core.memo``.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"

# Responses to these headers are not stored: they belong to one visitor.
_PRIVATE_CACHE_CONTROL = ("private", "no-store", "no-cache")


def _cache():
    return caches[settings.PORTAL_PAGE_CACHE_ALIAS]


def _generation_cache():
    """Where the token lives: the page cache's cache, or, in production without Redis, a cache
    every worker on the machine shares (``PORTAL_GENERATION_CACHE_ALIAS``), so a change made
    through one worker makes every worker's kept answers stale at once."""
    return caches[settings.PORTAL_GENERATION_CACHE_ALIAS]


def current_generation():
    """The token that every cache key includes; a new one if the cache has none."""
    cache = _generation_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY) or "unavailable"
    return generation


def bump_generation():
    """Make every page cached so far unreachable: content has changed."""
    _generation_cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def cache_key(request, generation):
    return f"pagecache:{generation}:{request.get_host()}:{request.get_full_path()}"


def request_is_personal(request):
    """Whether the request comes from someone the shared cache must not answer."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or settings.PORTAL_MESSAGES_COOKIE_NAME in cookies


def _may_share(request):
    """Whether the response to this request may be shared with other visitors (by the app or a proxy)."""
    return (
        request.method in {"GET", "HEAD"}
        and not request_is_personal(request)
        and not request.path_info.startswith(tuple(settings.PORTAL_PAGE_CACHE_EXCLUDED_PATHS))
    )


def _response_is_shareable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        # A nonce is per response: a stored copy's scripts would be blocked.
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in _PRIVATE_CACHE_CONTROL)


def _shared_cache_control(request):
    seconds = settings.PORTAL_PAGE_CACHE_QUERY_SECONDS if request.GET else settings.PORTAL_PAGE_CACHE_SECONDS
    return f"public, max-age={settings.PORTAL_PAGE_CACHE_BROWSER_SECONDS}, s-maxage={seconds}"


class PageCacheMiddleware:
    """Serve anonymous visitors a stored copy of a public page; store what is safe to share.

    It sits before the session, CSRF and authentication middleware, so a hit
    costs no session lookup and no database query. The security headers,
    Content Security Policy and Permissions-Policy middleware sit before it
    and add their headers to a stored copy as to a fresh one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_share(request):
            return self._private(self.get_response(request))

        use_cache = settings.PORTAL_PAGE_CACHE and request.method == "GET"
        key = None
        if use_cache:
            try:
                key = cache_key(request, current_generation())
                stored = _cache().get(key)
            except Exception:  # noqa: BLE001 - an unreachable cache must not take the site down
                logger.warning("Page cache unavailable; serving %s uncached", request.path, exc_info=True)
                key = stored = None
            if stored is not None:
                status, headers, content = stored
                response = self._rebuild(status, headers, content)
                response["X-Page-Cache"] = "hit"
                return response

        response = self.get_response(request)
        if not _response_is_shareable(request, response):
            return self._private(response)
        # Shared caches (nginx, a CDN) may keep it; browsers for a minute.
        response["Cache-Control"] = _shared_cache_control(request)
        patch_vary_headers(response, ["Cookie"])
        if key is not None:
            headers = list(response.items())
            try:
                _cache().set(key, (response.status_code, headers, response.content), settings.PORTAL_PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("Page cache unavailable; %s not stored", request.path, exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _private(response):
        """Signed-in pages, forms and everything else that is not shared."""
        if "Cache-Control" not in response and not response.streaming:
            response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def _rebuild(status, headers, content):
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
