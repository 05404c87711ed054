"""The search page and the suggestions behind the header search box.

Both search through ``search.service`` and read its answers as the types of
``search.results``; which engine answers is the service's business.
"""

import json
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.core.public_api import SiteSearchThrottle
from portal.taxonomy.models import SafetyDomain, Setting
from search import service
from search.forms import FACET_NOUNS, SearchForm, clean_text
from search.results import CONTENT_TYPES, FACETS, FacetValue

FACET_HEADINGS = {
    "setting": "Care setting",
    "domain": "Safety domain",
    "type": "Type",
    "tag": "Topic",
    "year": "Year",
}
SORT_LABELS = {"relevance": "best match", "newest": "newest first"}
MAX_PREFIX_LENGTH = 100


def _url(params, **changes):
    """The query string ``params`` with some parameters replaced; None removes one. Always from page 1.

    ``params`` is ``{name: [values]}`` in the request's order, encoded as
    ``QueryDict.urlencode`` does; a page has some forty of these links, and
    copying a ``QueryDict`` for each (a deep copy) was a tenth of its work.
    """
    params = dict(params)
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value if isinstance(value, list) else [value]
    return f"?{urlencode([(name, value) for name, values in params.items() for value in values])}" if params else "?"


def _without_value(params, facet, value):
    return _url(params, **{facet: [kept for kept in params.get(facet, ()) if kept != value] or None})


def _with_value(params, facet, value):
    return _url(params, **{facet: [*params.get(facet, ()), value]})


@dataclass
class FacetLink:
    value: FacetValue
    url: str


@dataclass
class FacetGroup:
    name: str
    heading: str
    links: list
    error: str = ""

    @property
    def has_selection(self):
        return any(link.value.selected for link in self.links)

    @property
    def links_html(self):
        """The list items of ``search/facets.html``, drawn here: a page has some forty of them.

        Every value is escaped by ``format_html``, as the template escaped it.
        """
        return mark_safe("".join(f"\n        {_facet_item(link)}\n        " for link in self.links))  # noqa: S308


def _facet_item(link):
    value = link.value
    return format_html(
        '<li><a class="portal-facet__link{}" href="{}">{}{} <span class="portal-facet__count">({}'
        '<span class="nhsuk-u-visually-hidden"> {}</span>)</span></a></li>',
        " portal-facet__link--selected" if value.selected else "",
        link.url,
        mark_safe(_REMOVE_FILTER if value.selected else ""),  # noqa: S308 - a constant
        value.label,
        value.count,
        "result" if value.count == 1 else "results",
    )


_REMOVE_FILTER = '<span class="nhsuk-u-visually-hidden">Remove filter: </span><span aria-hidden="true">✓ </span>'


@dataclass
class Chip:
    label: str
    facet: str
    remove_url: str


def _facet_groups(results, params, errors):
    groups = []
    for facet in FACETS:
        links = []
        for value in results.facets.get(facet, []):
            toggle = _without_value if value.selected else _with_value
            links.append(FacetLink(value=value, url=toggle(params, facet, value.key)))
        if links or errors.get(facet):
            groups.append(FacetGroup(facet, FACET_HEADINGS[facet], links, errors.get(facet, "")))
    return groups


def search(request):
    form = SearchForm(request.GET, user=request.user)
    text, filters = form.text, form.filters
    # Only what is valid goes into the links on the page.
    params = request.GET.copy()
    for facet in FACETS:
        params.setlist(facet, filters.get(facet, []))
    if text:
        params["q"] = text
    params = {name: values for name, values in params.lists() if values}
    context = {"query": text, "form": form, "results": None, "filter_errors": form.filter_errors}
    if (text or filters) and not (throttle := SiteSearchThrottle()).allow_request(request, None):
        wait = max(1, math.ceil(throttle.wait() or 1))
        context.update(throttled=wait, browse_settings=Setting.objects.all(), browse_domains=SafetyDomain.objects.all())
        response = TemplateResponse(request, "search/search.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if text or filters:
        results = service.query(
            text, filters, form.sort_order, form.page_number, user=request.user, autocorrect=not form.exact_words
        )
        if form.page_number == 1 and text and not filters:
            service.record_search(results)
        context.update(
            results=results,
            query=results.query.text,
            facet_groups=_facet_groups(results, params, form.filter_errors),
            chips=[
                Chip(value.label, FACET_NOUNS[facet], _without_value(params, facet, value.key))
                for facet, value in results.active_filters
            ],
            clear_filters_url=_url(params, **dict.fromkeys(FACETS)),
            # The engine's page count, not the total's: Elasticsearch stops at its result window.
            page_obj=Paginator(range(results.reachable), results.query.per_page).get_page(results.query.page),
            sort=results.query.sort,
            sort_label=SORT_LABELS[results.query.sort],
            other_sort_url=_url(params, sort="newest" if results.query.sort == "relevance" else None),
            suggestion_url=results.suggestion and _url(params, q=results.suggestion, exact=None),
            original_url=results.corrected_from and _url(params, q=results.corrected_from, exact="1"),
        )
    if not context["results"] or not context["results"].total:
        context.update(browse_settings=Setting.objects.all(), browse_domains=SafetyDomain.objects.all())
    return TemplateResponse(request, "search/search.html", context)


def suggest(request):
    """Up to eight pages whose titles match what has been typed so far, as JSON."""
    prefix = clean_text(request.GET.get("q", ""))[:MAX_PREFIX_LENGTH]
    items = service.suggest(prefix, user=request.user) if len(prefix) >= 2 else []
    data = {
        "query": prefix,
        "results": [{**item, "type_label": CONTENT_TYPES.get(item.get("type"), "")} for item in items],
    }
    # Markup characters escaped as json_script does, so the JSON stays inert even if opened as a page.
    body = json.dumps(data).translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    response = HttpResponse(body, content_type="application/json")
    patch_cache_control(response, private=True, max_age=60)
    return response
