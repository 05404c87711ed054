"""Finding the page a public URL names, in one query for the whole path rather than two a step.

Wagtail's ``Page.route_for_request`` looks the site up, then walks the path
one segment at a time: each page is read as a plain page and then again as
its own type, and the privacy check then reads the page's ancestors and their
view restrictions; eight queries for a case study two steps below the home
page. ``serve`` here takes the site from those kept until content changes
(``site_for_request``), reads every page on the path (and those above the
site's root page) in one query, each marked with whether a view restriction
is set on it, and then the page that is served as its own type, with what its
template shows from other tables (``serve_select_related``): a public page
costs two queries to find and none to check.

It keeps every behaviour of Wagtail's serve view, because Wagtail still does
everything but the walk: ``wagtail.views.serve`` is called with the route
already found (Wagtail keeps it on the request), and runs the page's
``before_serve_page`` and ``on_serve_page`` hooks, privacy included, and its
``serve``. The walk itself is Wagtail's:

* each step finds the child with the next slug under the page reached so far;
  no such child is a 404, which ``wagtail.contrib.redirects`` then answers
  when a redirect matches;
* a page whose type has its own ``route`` (``RoutablePageMixin``, the
  roadmap's measures) is read as its own type and routes the rest of the path
  itself, exactly as Wagtail would call it;
* the page reached is read as its own type and asked to ``route`` the empty
  rest of the path, so a draft or unpublished page is a 404 and a routable
  page's index route still answers;
* the privacy check is Wagtail's, and only skips its two queries when the
  query here found no view restriction on the page or any ancestor; a page
  that is, or sits under, an alias is checked by Wagtail in full.

Anything the walk cannot answer the same way (translations switched on, no
site for the request, two siblings sharing a slug) is left to Wagtail's own
routing.
"""

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import resolve_url
from django.urls import path, re_path
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site

from .memo import remember


def _routes_as_wagtail_does(page):
    """Whether ``page``'s type finds its children as ``Page.route`` does, so the walk may step past it."""
    model = page.specific_class
    return model is not None and model.route is Page.route


def _as_specific(page, parent):
    """``page`` as its own type: one query, with whatever its type reads alongside it (``serve_select_related``)."""
    model = page.specific_class
    if model is None or isinstance(page, model):
        specific = page
    else:
        queryset = model._default_manager.all()
        related = getattr(model, "serve_select_related", ())
        if related:
            queryset = queryset.select_related(*related)
        specific = queryset.get(pk=page.pk)
    if parent is not None:
        # As Wagtail's walk does: asking for the parent costs no query.
        specific._cached_parent_obj = parent
    return specific


def _pages_on_path(root, components):
    """Every page above ``root``, ``root`` itself, and each page under it that a step could reach, by depth.

    Each is marked ``has_view_restriction``. Written as SQL, not built with
    the ORM, because every page view runs it and Django took four times as
    long to build the statement as to read its few rows (1.3 ms against
    0.35 ms on the demo site). ``path`` holds only digits and capital letters
    (treebeard's alphabet), so ``LIKE`` matches it the same on SQLite and
    PostgreSQL.
    """
    quote = connection.ops.quote_name
    pages, restrictions = quote(Page._meta.db_table), quote(PageViewRestriction._meta.db_table)
    above = [root.path[: Page.steplen * depth] for depth in range(1, root.depth + 1)]
    condition = f"{pages}.path IN ({', '.join(['%s'] * len(above))})"
    params = list(above)
    if components:
        steps = " OR ".join([f"({pages}.depth = %s AND {pages}.slug = %s)"] * len(components))
        condition += f" OR ({pages}.path LIKE %s AND ({steps}))"
        params.append(root.path + "%")
        for number, slug in enumerate(components, start=1):
            params += [root.depth + number, slug]
    # Only table names and placeholders are written into it; the paths and slugs are parameters.
    restricted = f"EXISTS(SELECT 1 FROM {restrictions} WHERE {restrictions}.page_id = {pages}.id)"  # noqa: S608
    sql = f"SELECT {pages}.*, {restricted} AS has_view_restriction FROM {pages} WHERE {condition}"  # noqa: S608
    by_depth = {}
    for page in Page.objects.raw(sql, params):
        by_depth.setdefault(page.depth, []).append(page)
    return by_depth


def _no_view_restrictions():
    return PageViewRestriction.objects.none()


class _LeaveToWagtail(Exception):
    """The walk cannot be sure to answer as Wagtail would; Wagtail routes this request itself."""


def _route(request, site, components):
    by_depth = _pages_on_path(site.root_page, components)
    trail = [page for depth in range(1, site.root_page.depth + 1) for page in by_depth.get(depth, [])]
    if len(trail) != site.root_page.depth:
        raise _LeaveToWagtail
    page, parent = trail[-1], None
    remaining = list(components)
    while remaining and _routes_as_wagtail_does(page):
        children = [
            child
            for child in by_depth.get(page.depth + 1, [])
            if child.slug == remaining[0] and child.path.startswith(page.path)
        ]
        if len(children) > 1:
            raise _LeaveToWagtail
        if not children:
            raise Http404
        parent, page = page, children[0]
        trail.append(page)
        remaining.pop(0)
    specific = _as_specific(page, parent)
    result = specific.route(request, remaining)
    if (
        result is not None
        and result.page is specific
        and not any(step.has_view_restriction or step.alias_of_id for step in trail)
    ):
        # Nothing on the path is restricted (Wagtail's check would read the
        # ancestors and their restrictions to find none); an empty queryset
        # answers it without a query.
        specific.get_view_restrictions = _no_view_restrictions
    return result


def site_for_request(request):
    """``Site.find_for_request``, with the answer for each host and port kept until content changes.

    Wagtail asks the database on every request, in a query that weighs each
    site against the host; the answer changes only when a site is added,
    changed or removed, or its root page is published, moved or unpublished,
    and each of those replaces the content generation (``portal.core.purge``).
    Wagtail keeps the site on the request, so everything else this request
    asks of ``Site.find_for_request`` gets the same one without a query.
    """
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request.get_host())[0]
        port = request.get_port()
        request._wagtail_site = remember(f"site:{hostname}:{port}", lambda: Site._find_for_request(request))
    return request._wagtail_site


def serve(request, path):
    """Wagtail's serve view, with the page found by ``_route`` (see the module's docstring)."""
    if not settings.WAGTAIL_I18N_ENABLED and not hasattr(request, "_wagtail_route_for_request"):
        site = site_for_request(request)
        if site is not None:
            components = [component for component in path.split("/") if component]
            try:
                request._wagtail_route_for_request = _route(request, site, components)
            except Http404:
                request._wagtail_route_for_request = None
            except _LeaveToWagtail:
                pass
    return wagtail_views.serve(request, path)


def sign_in_elsewhere(request):
    """Wagtail's own sign-in form for private pages, answered by sending the reader to the site's.

    Wagtail's form at ``/_util/login/`` is Django's plain ``LoginView``: it
    signed people in past the sign-in throttle, the email confirmation and the
    two-factor step of the site's own (allauth's) form. Private pages already
    send readers to ``LOGIN_URL`` (``WAGTAIL_FRONTEND_LOGIN_URL``); anything
    that still reaches this address, a form post included, is sent there too,
    signed in as nobody, with its return address if that is on this site.
    """
    target = resolve_url(settings.LOGIN_URL)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)


# Wagtail's own URLs (the password form for private pages), with its serve
# view replaced by the one above under the same name and pattern, and its
# sign-in form by a redirect to the site's.
_REPLACED = {"wagtail_serve", "wagtailcore_login"}
urlpatterns = [pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) not in _REPLACED]
urlpatterns.append(path("_util/login/", sign_in_elsewhere, name="wagtailcore_login"))
urlpatterns.append(re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"))
