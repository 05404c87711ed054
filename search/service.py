"""The search service: what views and templates know about search.

``query(text, filters, sort, page)`` returns ``Results`` (hits, facet counts,
total, a spelling suggestion) from whichever engine is configured. Views and
templates use only the names in this module, so the database engine (the
default, Wagtail's database search backend) and the Elasticsearch engine are
interchangeable. With ``ELASTICSEARCH_URL`` set, Elasticsearch answers and the
database engine stands in whenever the cluster cannot be reached
(``FallbackEngine``), with ``Results.degraded`` set so the page can say so.
"""

from __future__ import annotations

import datetime
import logging
import math
from dataclasses import dataclass, field, replace
from typing import Protocol

from django.conf import settings
from django.utils.safestring import SafeString

logger = logging.getLogger(__name__)

# The facets, in the order the search page shows them; also the filter names in the query string.
FACETS = ("setting", "domain", "type", "tag", "year")
SORTS = ("relevance", "newest")

# Keys of the "type" facet (each knowledge page type's verbose name, slugified) and their labels.
CONTENT_TYPES = {
    "case-study": "Case study",
    "learning-note": "Learning note",
    "peer-visit-report": "Peer-visit report",
    "update": "Update",
}


@dataclass(frozen=True)
class Term:
    """A care setting or safety domain on a hit."""

    slug: str
    name: str


@dataclass(frozen=True)
class Hit:
    page_id: int
    title: str
    content_type: str
    url: str
    date: datetime.date
    settings: tuple[Term, ...]
    domains: tuple[Term, ...]
    snippet: SafeString
    members_only: bool = False  # shown to members with a "Members only" label

    @property
    def content_type_label(self) -> str:
        return CONTENT_TYPES.get(self.content_type, self.content_type.replace("-", " ").capitalize())


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class Query:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # keys from FACETS
    sort: str = "relevance"  # or "newest"
    page: int = 1
    per_page: int = 10
    user: object | None = None
    # False when the reader asked for exactly what they typed ("Search instead for ...").
    autocorrect: bool = True


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None  # "Did you mean ...?"
    corrected_from: str | None = None  # what was typed, when these are the results of its spelling correction
    degraded: bool = False  # the preferred engine was unavailable; another one answered
    num_pages: int = 0
    # No page had every word: these are the pages with some of them, those with the most words first.
    some_words: bool = False
    unmatched: tuple[str, ...] = ()  # the words (or phrases) no page has, when ``some_words``

    def __post_init__(self):
        if not self.num_pages:
            self.num_pages = max(1, math.ceil(self.total / max(1, self.query.per_page)))

    @property
    def reachable(self) -> int:
        """How many of the results the pages reach: all, unless the engine stops at a result window."""
        return min(self.total, self.num_pages * max(1, self.query.per_page))

    @property
    def active_filters(self) -> list[tuple[str, FacetValue]]:
        """(facet, value) for every selected facet value, in facet order."""
        return [(facet, value) for facet in FACETS for value in self.facets.get(facet, []) if value.selected]


class EngineUnavailable(Exception):
    """Raised by an engine whose backend gave no usable answer, whatever the reason.

    ``needs_attention`` is true when the failure will not pass on its own
    (credentials, privileges, a refused request, a server that is not the
    search engine): it is then logged as an error rather than a warning.
    """

    def __init__(self, message, needs_attention=False):
        super().__init__(message)
        self.needs_attention = needs_attention


class SearchEngine(Protocol):
    def search(self, query: Query) -> Results: ...

    def autocomplete(self, prefix: str, limit: int = 8, user=None) -> list[dict]: ...

    def related(self, page, limit: int = 4, user=None) -> list[Hit]: ...


class FallbackEngine:
    """Answers from ``primary``, or from ``fallback`` (marked degraded) when the primary is unavailable."""

    def __init__(self, primary: SearchEngine, fallback: SearchEngine):
        self.primary = primary
        self.fallback = fallback

    def _warn(self, action, error):
        log = logger.error if getattr(error, "needs_attention", False) else logger.warning
        log(
            "Search engine %s unavailable for %s, answering from %s: %s",
            type(self.primary).__name__,
            action,
            type(self.fallback).__name__,
            error,
        )

    def search(self, query: Query) -> Results:
        try:
            return self.primary.search(query)
        except EngineUnavailable as error:
            self._warn("search", error)
            results = self.fallback.search(query)
            return replace(results, degraded=True)

    def autocomplete(self, prefix: str, limit: int = 8, user=None) -> list[dict]:
        try:
            return self.primary.autocomplete(prefix, limit=limit, user=user)
        except EngineUnavailable as error:
            self._warn("autocomplete", error)
            return self.fallback.autocomplete(prefix, limit=limit, user=user)

    def related(self, page, limit: int = 4, user=None) -> list[Hit]:
        try:
            return self.primary.related(page, limit=limit, user=user)
        except EngineUnavailable as error:
            self._warn("related content", error)
            return self.fallback.related(page, limit=limit, user=user)


def get_engine() -> SearchEngine:
    """Elasticsearch (falling back to the database) when ``ELASTICSEARCH_URL`` is set, else the database."""
    from search.engines.database import DatabaseEngine

    if settings.ELASTICSEARCH_URL:
        from search.elasticsearch.engine import ElasticsearchEngine

        return FallbackEngine(primary=ElasticsearchEngine(), fallback=DatabaseEngine())
    return DatabaseEngine()


def query(text, filters=None, sort="relevance", page=1, *, user=None, per_page=10, autocorrect=True) -> Results:
    """Search knowledge pages the user may see."""
    return get_engine().search(
        Query(
            text=text or "",
            filters={key: list(values) for key, values in (filters or {}).items() if key in FACETS and values},
            sort=sort if sort in SORTS else "relevance",
            page=page,
            per_page=per_page,
            user=user,
            autocorrect=autocorrect,
        )
    )


def suggest(prefix, *, user=None, limit=8) -> list[dict]:
    """Pages whose titles start with words like ``prefix``: [{"title", "url", "type"}], for the header box."""
    return get_engine().autocomplete(prefix, limit=limit, user=user)


def related(page, *, user=None, limit=4) -> list[Hit]:
    """Knowledge pages most like ``page``, for its "Related learning" list.

    Finding them is a good part of a knowledge page's work and changes only
    when content does, so the answer is kept until the next publish,
    unpublish, move or taxonomy change (``portal.core.memo.remember``),
    once per audience: members may be shown member-only pages.
    """
    from portal.core.access import audience
    from portal.core.memo import remember

    return remember(
        f"related:{page.pk}:{limit}:{audience(user)}", lambda: get_engine().related(page, limit=limit, user=user)
    )


def record_search(results: Results) -> None:
    """Count a search for the "Search terms" report: every search, and apart from that those that found nothing.

    Popular searches use ``wagtail.contrib.search_promotions`` (``Query`` and
    its daily hits); searches that found nothing are counted in
    ``ZeroResultSearch``. A search that found nothing until its spelling was
    corrected counts as finding nothing, and so does one that found only
    pages with some of its words: the programme team learns which words
    readers use.
    """
    from django.utils import timezone
    from wagtail.contrib.search_promotions.models import Query as SearchedQuery
    from wagtail.contrib.search_promotions.models import QueryDailyHits
    from wagtail.search.utils import normalise_query_string

    from search.models import ZeroResultSearch, count_hit

    text = normalise_query_string(results.corrected_from or results.query.text)
    if not text:
        return
    today = timezone.localdate()
    count_hit(QueryDailyHits, query=SearchedQuery.get(text), date=today)
    if results.corrected_from or results.some_words or not results.total:
        ZeroResultSearch.record(text, today)
