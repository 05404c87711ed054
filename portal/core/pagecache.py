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
"""

import logging
import uuid
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"

# Models whose changes can alter what a public page shows, by app label. Pages
# themselves are handled through Wagtail's publish/unpublish/move signals and
# their deletion.
CONTENT_APP_LABELS = frozenset(
    {
        "core",  # portal settings (footer)
        "taxonomy",  # settings, safety domains, organisations
        "roadmap",  # workstreams, drivers, change ideas, milestones, measures
        "comments",  # approved comments under knowledge pages
        "localmeasures",  # shared local data in the roadmap's public roll-ups
        "wagtailnhsukfrontendsettings",  # header navigation and footer links
        "wagtailredirects",
        "taggit",
    }
)
CONTENT_MODEL_NAMES = frozenset({("wagtailcore", "pageviewrestriction"), ("wagtailcore", "site")})

# Responses to these headers are not stored: they belong to one visitor.
_PRIVATE_CACHE_CONTROL = ("private", "no-store", "no-cache")


def _cache():
    return caches[settings.PORTAL_PAGE_CACHE_ALIAS]


def current_generation():
    """The token that every cache key includes; a new one if the cache has none."""
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY) or "unavailable"
    return generation


def bump_generation():
    """Make every page cached so far unreachable: content has changed."""
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


REMEMBER_SECONDS = 300


def remember(name, compute, seconds=REMEMBER_SECONDS):
    """``compute()``, kept in the cache until content next changes (or ``seconds`` pass).

    For answers that read every page (counts, the topics in use) and change
    only when content does. The key includes the content generation, so any
    publish, unpublish, move or taxonomy change makes the next call compute
    afresh. ``name`` must say everything the answer depends on (the audience,
    the listing). Where each worker process has a local-memory cache, another
    worker's copy can lag a change by up to ``seconds``; with Redis
    (``REDIS_URL``) every worker sees the same generation. If the cache cannot
    be reached, the answer is computed every time.
    """
    try:
        key = f"remember:{name}:{current_generation()}"
        value = _cache().get(key)
    except Exception:  # noqa: BLE001 - an unreachable cache means computing afresh
        logger.warning("Cache unavailable; computing %s afresh", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            _cache().set(key, value, seconds)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable; %s not stored", name, exc_info=True)
    return value


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
        from django.http import HttpResponse

        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response


# --- Purging --------------------------------------------------------------


def related_paths():
    """Paths of the pages that list or summarise content, for the proxy to purge.

    The home page, every listing and the roadmap (all live pages one or two
    levels down from a site root), the taxonomy pages, the feeds and the sitemap.
    """
    from wagtail.models import Site

    from portal.taxonomy.models import SafetyDomain, Setting

    paths = set()
    for site in Site.objects.select_related("root_page"):
        root = site.root_page
        paths.add(root.relative_url(site) or "/")
        for page in root.get_descendants().live().filter(depth__lte=root.depth + 1).specific(defer=True):
            url = page.relative_url(site)
            if url:
                paths.add(url)
    named = [
        ("taxonomy:setting_list", ()),
        ("taxonomy:domain_list", ()),
        ("feeds:knowledge_rss", ()),
        ("feeds:knowledge_atom", ()),
        ("feeds:updates_rss", ()),
        ("feeds:updates_atom", ()),
    ]
    named += [("taxonomy:setting", (slug,)) for slug in Setting.objects.values_list("slug", flat=True)]
    named += [("taxonomy:domain", (slug,)) for slug in SafetyDomain.objects.values_list("slug", flat=True)]
    for kind in ("setting", "domain"):
        model = Setting if kind == "setting" else SafetyDomain
        for slug in model.objects.values_list("slug", flat=True):
            named += [(f"feeds:{kind}_rss", (slug,)), (f"feeds:{kind}_atom", (slug,))]
    for name, args in named:
        try:
            paths.add(reverse(name, args=args))
        except NoReverseMatch:
            continue
    paths.add("/sitemap.xml")
    return sorted(paths)


def purge_related_urls(extra_paths=()):
    """Ask the front-end cache (nginx) to drop the pages a change may have made stale."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
    from wagtail.models import Site

    urls = []
    for site in Site.objects.all():
        base = site.root_url + "/"
        urls += [urljoin(base, path.lstrip("/")) for path in [*related_paths(), *extra_paths]]
    purge_urls_from_cache(sorted(set(urls)))


def content_changed(extra_paths=()):
    """Empty both caches of what a change may have made stale.

    The generation is replaced at once (so this process never serves the old
    page again) and once more when the transaction commits, together with
    the proxy purge, so that no request can re-cache the old content from a
    database that has not committed the change yet.
    """
    extra_paths = tuple(extra_paths)
    try:
        bump_generation()
    except Exception:  # noqa: BLE001 - an unreachable cache holds nothing to purge
        logger.warning("Could not reach the page cache to purge it", exc_info=True)

    def after_commit():
        try:
            bump_generation()
        except Exception:  # noqa: BLE001
            logger.warning("Could not reach the page cache to purge it", exc_info=True)
        purge_related_urls(extra_paths)

    transaction.on_commit(after_commit)


def _page_urls(page):
    try:
        return [url for url in (page.url,) if url]
    except Exception:  # noqa: BLE001 - a page without a site has no URL to purge
        return []


def _on_page_published(sender, instance, **kwargs):
    content_changed(_page_urls(instance))


def _on_page_unpublished(sender, instance, **kwargs):
    content_changed(_page_urls(instance))


def _on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    from wagtail.models import Site

    old_paths = []
    for site in Site.objects.select_related("root_page"):
        root_path = site.root_page.url_path
        if url_path_before.startswith(root_path):
            old_paths.append("/" + url_path_before[len(root_path) :])
    content_changed([*old_paths, *_page_urls(instance)])


def _on_model_changed(sender, instance=None, signal=None, **kwargs):
    from django.apps import apps
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    if sender._meta.apps is not apps or kwargs.get("raw"):
        # A migration's historical model, or fixtures being loaded: the
        # database is not in a state the site serves from yet.
        return
    if isinstance(instance, Page):
        # Publishing, unpublishing and moving have signals of their own, which
        # also purge the page's own URL from the proxy. A live page can also be
        # created or changed by code without a revision (imports, the demo
        # loader); a draft save needlessly empties the app cache, which is cheap.
        if signal is post_delete or (signal is post_save and instance.live):
            content_changed()
        return
    if signal is post_save and kwargs.get("created") and isinstance(instance, (BaseSiteSetting, BaseGenericSetting)):
        # Site settings are created with their defaults the first time a page
        # reads them, in the middle of rendering it: nothing has changed.
        return
    if signal is m2m_changed and kwargs.get("action") not in {"post_add", "post_remove", "post_clear"}:
        return
    meta = sender._meta if signal is not m2m_changed else type(instance)._meta
    if meta.app_label in CONTENT_APP_LABELS or (meta.app_label, meta.model_name) in CONTENT_MODEL_NAMES:
        content_changed()


def connect_signals():
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_on_page_published, dispatch_uid="pagecache_published")
    page_unpublished.connect(_on_page_unpublished, dispatch_uid="pagecache_unpublished")
    post_page_move.connect(_on_page_moved, dispatch_uid="pagecache_moved")
    post_save.connect(_on_model_changed, dispatch_uid="pagecache_saved")
    post_delete.connect(_on_model_changed, dispatch_uid="pagecache_deleted")
    m2m_changed.connect(_on_model_changed, dispatch_uid="pagecache_m2m")
