"""The search service: what views and templates know about search.

``query(text, filters, sort, page)`` returns ``Results`` (hits, facet counts,
total, a spelling suggestion) from whichever engine is configured. Views and
templates search only through this module, and know results only by the
types in ``search.results``, so the database engine (the default, Wagtail's
database search backend) and the Elasticsearch engine are interchangeable.
With ``ELASTICSEARCH_URL`` set, Elasticsearch answers and the database engine
stands in whenever the cluster cannot be reached (``FallbackEngine``), with
``Results.degraded`` set so the page can say so.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from django.conf import settings
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query as SearchedQuery
from wagtail.contrib.search_promotions.models import QueryDailyHits
from wagtail.search.utils import normalise_query_string

from portal.core.access import audience
from portal.core.memo import remember
from search.elasticsearch.engine import ElasticsearchEngine
from search.engines.database import DatabaseEngine
from search.models import ZeroResultSearch, count_hit
from search.results import FACETS, SORTS, EngineUnavailable, Hit, Query, Results, SearchEngine

logger = logging.getLogger(__name__)


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
    if settings.ELASTICSEARCH_URL:
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
    text = normalise_query_string(results.corrected_from or results.query.text)
    if not text:
        return
    today = timezone.localdate()
    count_hit(QueryDailyHits, query=SearchedQuery.get(text), date=today)
    if results.corrected_from or results.some_words or not results.total:
        ZeroResultSearch.record(text, today)
