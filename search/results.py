"""What a search asks and answers: the types the search service and its engines share.

Both engines (``search.engines.database`` and ``search.elasticsearch.engine``)
build ``Results`` from these, and ``search.service``, which picks the engine,
hands them to views and templates. They live here, below all three, so that
the engines need not import the service that imports them.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.safestring import SafeString

from portal.core.knowledge_types import KNOWLEDGE_PAGE_TYPES

# The facets, in the order the search page shows them; also the filter names in the query string.
FACETS = ("setting", "domain", "type", "tag", "year")
SORTS = ("relevance", "newest")

# Keys of the "type" facet (each knowledge page type's verbose name, slugified) and their labels.
CONTENT_TYPES = {page_type.key: page_type.label for page_type in KNOWLEDGE_PAGE_TYPES}


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
