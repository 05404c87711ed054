"""The Elasticsearch engine of the search service.

It sends the bodies built in ``queries`` and turns Elasticsearch's answers into
the service's ``Results`` and ``Hit`` objects. Whenever the cluster gives no
usable answer (connection refused, timeout, 5xx, 429, 401, 403, 400, no index
yet, a server that is not Elasticsearch, a body that is not a search
response) it raises ``EngineUnavailable``, records the error for
``search_health`` (``health``), and the service answers from the database.

Escaping: every string that reaches a template is plain text and is escaped
there, except ``Hit.snippet``. A snippet is either a highlight fragment that
Elasticsearch has HTML-encoded itself (``encoder: html``) and that contains no
markup but our ``<mark>`` tags, or text we escape here. Anything else is
refused, so a page's text can never inject markup into the results.
"""

import datetime
import math
import re
from dataclasses import replace

from django.utils.html import escape
from django.utils.safestring import mark_safe
from elasticsearch import ApiError, TransportError
from taggit.models import Tag

from portal.core.access import is_member
from portal.taxonomy.models import SafetyDomain, Setting
from search.facets import facet_values, search_corrected
from search.results import EngineUnavailable, Hit, Results, Term

from . import health, queries
from .client import describe, is_outage, query_client
from .documents import index_alias

MARK_TAG = re.compile(r"(</?mark>)")
# Outside our <mark> tags an HTML-encoded fragment has no "<" or ">", and "&" only in entities.
# (Quotes are harmless in element text, and Lucene's encoder versions differ on escaping them.)
UNSAFE_IN_FRAGMENT = re.compile(r"[<>]|&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)")
FRAGMENT_SEPARATOR = " … "
# What reading a response that is not the search API's answer raises (a proxy's page, another API's JSON).
UNEXPECTED_ANSWER = (KeyError, TypeError, ValueError, AttributeError)


def trusted_fragment(fragment):
    """The fragment as safe HTML if it is HTML-encoded text with balanced ``<mark>`` tags, else None."""
    depth = 0
    for part in MARK_TAG.split(fragment):
        if part == "<mark>":
            depth += 1
            if depth > 1:
                return None
        elif part == "</mark>":
            depth -= 1
            if depth < 0:
                return None
        elif UNSAFE_IN_FRAGMENT.search(part):
            return None
    return mark_safe(fragment) if depth == 0 else None  # noqa: S308 - checked above


def snippet(source, highlight):
    """The marked summary, else marked passages of the body, else the summary escaped."""
    for field in ("summary", "body"):
        fragments = [trusted_fragment(fragment) for fragment in highlight.get(field, [])]
        if fragments and all(fragments):
            return mark_safe(FRAGMENT_SEPARATOR.join(fragments))  # noqa: S308 - each part checked
    return escape(source.get("summary", ""))


def terms(values):
    return tuple(Term(slug=value["slug"], name=value["name"]) for value in values or ())


def hit_from(raw):
    source = raw["_source"]
    return Hit(
        page_id=int(source["page_id"]),
        title=source["title"],
        content_type=source["content_type"],
        url=source.get("url") or "",
        date=datetime.date.fromisoformat(source["date"][:10]),
        settings=terms(source.get("settings")),
        domains=terms(source.get("domains")),
        snippet=snippet(source, raw.get("highlight", {})),
        members_only=bool(source.get("members_only", False)),
    )


def facets_from(aggregations, selected):
    """Facet values as the database engine lists them (``search.facets``), with Elasticsearch's counts.

    Elasticsearch counts slugs; the names come from three small queries.
    """
    counts = {
        key: {
            str(bucket["key"]): bucket["doc_count"]
            for bucket in aggregations.get(key, {}).get("values", {}).get("buckets", [])
        }
        for key in queries.FACET_FIELDS
    }
    chosen_tags = set(selected.get("tag", ()))
    tag_names = dict(Tag.objects.filter(slug__in=set(counts["tag"]) | chosen_tags).values_list("slug", "name"))
    vocabularies = {
        "setting": list(Setting.objects.values_list("slug", "name")),
        "domain": list(SafetyDomain.objects.values_list("slug", "name")),
    }
    return facet_values(counts, selected, vocabularies, tag_names)


def suggestion_from(response, text):
    """The phrase suggester's best correction, if it differs from what was typed."""
    for entry in response.get("suggest", {}).get(queries.SUGGESTION_NAME, []):
        for option in entry.get("options", []):
            if option.get("collate_match", True) and option["text"].strip().lower() != text.strip().lower():
                return option["text"]
    return None


def results_from_response(query, response):
    """The service's ``Results`` from a raw ``_search`` response body (before any spelling correction)."""
    total = response["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else int(total)
    per_page = max(1, int(query.per_page))
    return Results(
        query=replace(query, page=min(max(1, int(query.page)), queries.max_pages(per_page))),
        hits=[hit_from(raw) for raw in response["hits"]["hits"]],
        total=total,
        facets=facets_from(response.get("aggregations", {}), queries.selected_filters(query.filters)),
        suggestion=suggestion_from(response, query.text or ""),
        corrected_from=None,
        degraded=False,
        # Elasticsearch fetches no further than its result window (10,000 hits): the pages stop there.
        num_pages=max(1, math.ceil(min(total, queries.max_pages(per_page) * per_page) / per_page)),
    )


def _is_member(user):
    return user is not None and is_member(user)


class ElasticsearchEngine:
    def __init__(self, client=None, index=None):
        self._client = client
        self._index = index

    @property
    def index(self):
        return self._index or index_alias()

    @property
    def client(self):
        return self._client or query_client()

    def _search(self, request):
        """The raw response body; any failure is ``EngineUnavailable`` (the service then answers from the database)."""
        try:
            response = self.client.search(index=self.index, body=request.to_dict()).body
        except (TransportError, ApiError) as exc:
            raise self._unavailable(describe(exc), needs_attention=not is_outage(exc)) from exc
        health.note_success()
        return response

    @staticmethod
    def _unavailable(description, needs_attention=False):
        health.note_failure(description)
        return EngineUnavailable(description, needs_attention=needs_attention)

    def search(self, query):
        try:
            return self._search_corrected(query)
        except UNEXPECTED_ANSWER as exc:
            raise self._unavailable(f"Unexpected answer from Elasticsearch: {exc!r}", True) from exc

    def _search_corrected(self, query):
        """Results, corrected as the database engine corrects them (``search.facets.search_corrected``).

        The correction is the phrase suggester's, read from the first answer.
        """
        return search_corrected(
            query, self._results, correction=lambda _query, results: results.suggestion, some_words=self._some_words
        )

    def _some_words(self, query, results):
        """Pages with some of the words, most words first, when none has them all (as the database engine does)."""
        words = [concept.text for concept in queries.query_words(query.text)]
        if len(words) < 2:
            return results
        request = queries.some_words_request(query, index=self.index, members=_is_member(query.user))
        response = self._search(request)
        some = results_from_response(query, response)
        if not some.total:
            return results
        counts = response.get("aggregations", {}).get(queries.SOME_WORDS_NAME, {}).get("buckets", {})
        unmatched = tuple(word for word in words if word in counts and not counts[word].get("doc_count"))
        return replace(some, suggestion=results.suggestion, some_words=True, unmatched=unmatched)

    def _results(self, query):
        request = queries.search_request(query, index=self.index, members=_is_member(query.user))
        results = results_from_response(query, self._search(request))
        if not results.hits and results.total and results.query.page > results.num_pages:
            # Past the last page (an old link): show the last page, as the database engine does.
            return self._results(replace(query, page=results.num_pages))
        return results

    def autocomplete(self, prefix, limit=8, user=None):
        prefix = (prefix or "").strip()
        if not prefix:
            return []
        response = self._search(queries.autocomplete_request(prefix, limit, index=self.index, members=_is_member(user)))
        try:
            return [
                {"title": raw["_source"]["title"], "url": raw["_source"]["url"], "type": raw["_source"]["content_type"]}
                for raw in response["hits"]["hits"]
            ]
        except UNEXPECTED_ANSWER as exc:
            raise self._unavailable(f"Unexpected answer from Elasticsearch: {exc!r}", True) from exc

    def related(self, page, limit=4, user=None):
        response = self._search(queries.related_request(page.pk, limit, index=self.index, members=_is_member(user)))
        try:
            return [hit_from(raw) for raw in response["hits"]["hits"]]
        except UNEXPECTED_ANSWER as exc:
            raise self._unavailable(f"Unexpected answer from Elasticsearch: {exc!r}", True) from exc
