"""Emptying the page caches when content changes, told by the models that hold content.

Two caches hold rendered public pages (``portal.core.pagecache`` says which and
how): the app's own, emptied by replacing its content generation, and a
reverse proxy in front, purged URL by URL through Wagtail's frontend cache
invalidation (``wagtail.contrib.frontend_cache``).

The receivers are connected per model (``connect_signals``, from
``CoreConfig.ready``): to every page type, and to the models whose changes can
alter what a public page shows (``CONTENT_APP_LABELS``, ``CONTENT_MODEL_NAMES``).
A save of anything else (a member's profile, an email in the outbox, a search
query) calls nothing here.

Apps above core that build public pages from a content model's rows (the
improvement app's organisation and change idea pages) add those pages with
``register_paths`` from their ``AppConfig.ready``: a change to such a row
purges them too, in the same purge, and core never imports those apps. Pages
that summarise content from many models (the roadmap's dashboard and measure
pages) are added with ``register_related_paths`` and purged on every change.
"""

import logging
from urllib.parse import urljoin

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.taxonomy.models import SafetyDomain, Setting

from .pagecache import bump_generation

logger = logging.getLogger(__name__)

# Models whose changes can alter what a public page shows, by app label. Pages
# themselves are handled through Wagtail's publish/unpublish/move signals and
# their deletion.
CONTENT_APP_LABELS = frozenset(
    {
        "core",  # portal settings (footer)
        "taxonomy",  # settings, safety domains, organisations
        "roadmap",  # workstreams, drivers, change ideas, milestones, measures
        "localmeasures",  # shared local data in the roadmap's public roll-ups
        "comments",  # approved comments under knowledge pages
        "wagtailnhsukfrontendsettings",  # header navigation and footer links
        "wagtailredirects",
        "taggit",
    }
)
CONTENT_MODEL_NAMES = frozenset({("wagtailcore", "pageviewrestriction"), ("wagtailcore", "site")})


# {model label: {name: provider}}: ``provider(instance)`` gives the paths a change to ``instance`` may make stale.
_path_providers = {}


def register_paths(name, model, provider):
    """Purge ``provider(instance)``'s paths too whenever a row of ``model`` (a content model) changes.

    ``name`` makes registering twice (if ``ready`` runs twice) replace, not repeat.
    """
    _path_providers.setdefault(model._meta.concrete_model._meta.label_lower, {})[name] = provider


# {name: provider}: ``provider()`` gives pages that summarise content, purged on every change like the listings.
_related_providers = {}


def register_related_paths(name, provider):
    """Purge ``provider()``'s paths on every content change, as the home page and listings are.

    For pages an app builds from content without a model row of their own to
    hang them on (the roadmap's dashboard and measure pages draw on data points,
    uploads and shared local figures). ``name`` makes registering twice replace.
    """
    _related_providers[name] = provider


def paths_for(instance):
    """The paths registered apps build from ``instance``: none for most models."""
    paths = []
    for name, provider in _path_providers.get(instance._meta.concrete_model._meta.label_lower, {}).items():
        try:
            paths += provider(instance)
        except Exception:  # noqa: BLE001 - a save must never fail for want of a purge path
            logger.warning("Could not work out the paths %s shows for %r", name, instance, exc_info=True)
    return paths


def related_paths():
    """Paths of the pages that list or summarise content, for the proxy to purge.

    The home page, every listing and the roadmap (all live pages one or two
    levels down from a site root), the taxonomy pages, the feeds and the sitemap.
    """
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
    for name, provider in _related_providers.items():
        try:
            paths.update(provider())
        except Exception:  # noqa: BLE001 - a change must never fail for want of a purge path
            logger.warning("Could not work out the paths %s summarises", name, exc_info=True)
    return sorted(paths)


def purge_related_urls(extra_paths=()):
    """Ask the front-end cache (nginx) to drop the pages a change may have made stale."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
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
    old_paths = []
    for site in Site.objects.select_related("root_page"):
        root_path = site.root_page.url_path
        if url_path_before.startswith(root_path):
            old_paths.append("/" + url_path_before[len(root_path) :])
    content_changed([*old_paths, *_page_urls(instance)])


def _on_model_changed(sender, instance=None, signal=None, **kwargs):
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
        content_changed(paths_for(instance))


def is_content(model):
    """Whether a change to a row of ``model`` can alter what a public page shows."""
    meta = model._meta
    return meta.app_label in CONTENT_APP_LABELS or (meta.app_label, meta.model_name) in CONTENT_MODEL_NAMES


def content_senders():
    """The models whose saves and deletions purge: every page type and every content model."""
    return [model for model in apps.get_models() if issubclass(model, Page) or is_content(model)]


def content_through_models():
    """The many-to-many tables a content model is on (either side): their changes purge."""
    through = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.many_to_many or field.auto_created or field.remote_field is None:
                continue
            related = field.remote_field.model
            if is_content(model) or (isinstance(related, type) and is_content(related)):
                through.add(field.remote_field.through)
    return sorted(through, key=lambda model: model._meta.label)


def connect_signals():
    page_published.connect(_on_page_published, dispatch_uid="pagecache_published")
    page_unpublished.connect(_on_page_unpublished, dispatch_uid="pagecache_unpublished")
    post_page_move.connect(_on_page_moved, dispatch_uid="pagecache_moved")
    for model in content_senders():
        label = model._meta.label_lower
        post_save.connect(_on_model_changed, sender=model, dispatch_uid=f"pagecache_saved_{label}")
        post_delete.connect(_on_model_changed, sender=model, dispatch_uid=f"pagecache_deleted_{label}")
    for through in content_through_models():
        m2m_changed.connect(
            _on_model_changed, sender=through, dispatch_uid=f"pagecache_m2m_{through._meta.label_lower}"
        )
