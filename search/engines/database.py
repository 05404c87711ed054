"""The database engine: Wagtail's database search backend, made forgiving.

Wagtail's backend does the matching and the first ranking (SQLite FTS5 with
BM25, or PostgreSQL full text with ``ts_rank``). Around it this engine:

* builds the backend query from ``search.vocabulary`` concepts, never from
  raw text, so quotes and FTS operators typed by a reader are just words and
  cannot break the FTS5 query syntax. Each concept is an OR of its synonyms in
  the singular and the plural (SQLite's index does not stem; PostgreSQL's
  ``english`` configuration does, where the extra forms do no harm), and a page
  must match every concept, in its text or in its topic tags, care settings
  and safety domains, all of which are in its index entry (``search.signals``);
* puts pages that have the searched words in the title, then the topic tags,
  then the summary ahead of pages that only mention them in passing, keeping
  the backend's order within each group, so both databases rank alike;
* counts facets in Python from the matching pages' settings, domains, types,
  tags and years, fetched in one query whatever the number of results;
* corrects spelling with ``search.engines.spelling``: when nothing matches it
  searches for the corrected words, and with one or two results it offers
  them as "Did you mean ...?".

Only live pages are searched: public ones, and member-only ones for members
(``KnowledgePageQuerySet.searchable_by``, the same rule as the listings and the
Elasticsearch index). Pages behind any other restriction are never found.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Value
from django.utils.html import escape
from taggit.models import Tag
from wagtail.search.models import IndexEntry
from wagtail.search.query import And, Or, Phrase, PlainText

from portal.core.knowledge_types import KNOWLEDGE_PAGE_TYPES, tag_through_models
from search import highlight
from search.engines import spelling
from search.results import CONTENT_TYPES, FACETS, FacetValue, Hit, Query, Results, Term
from search.vocabulary import parse, search_terms, tokenize, variants, with_compounds

# With this many results or fewer, a likely misspelling is offered as "Did you mean ...?".
FEW_HITS = 2
# The topic facet lists this many of the most used tags (plus any chosen).
MAX_TAG_FACETS = 15
# A shared topic tag says more about two pages than a shared setting or domain.
RELATED_WEIGHTS = {"tag": 2, "setting": 1, "domain": 1}
RELATED_CANDIDATES = 200  # newest pages sharing a tag, and as many sharing a setting or domain, that are ranked
CARD_FIELDS = ("id", "title", "summary", "date", "content_type_id", "url_path", "path")


def knowledge_types():
    """{'case-study': CaseStudyPage, ...}, in the order of ``KNOWLEDGE_PAGE_TYPES`` (and of ``CONTENT_TYPES``)."""
    return {page_type.key: page_type.model for page_type in KNOWLEDGE_PAGE_TYPES}


def _type_keys():
    """{content type id: type key}. ContentType caches these, so no query after the first."""
    return {ContentType.objects.get_for_model(model).pk: key for key, model in knowledge_types().items()}


def visible_pages(user=None, restrictions=None):
    """Live knowledge pages ``user`` may find, filtered on page paths (as Wagtail's search backends require)."""
    from portal.core.models import KnowledgePage

    return KnowledgePage.objects.searchable_by(user, restrictions)


def backend_query(concepts):
    """Wagtail search query objects: AND over concepts, OR over each concept's alternatives."""
    parts = []
    for concept in concepts:
        alternatives = [
            PlainText(words[0]) if len(words) == 1 else Phrase(" ".join(words)) for words in concept.alternatives
        ]
        parts.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
    return parts[0] if len(parts) == 1 else And(parts)


def _concept_pattern(concept):
    phrases = sorted((r"\s+".join(re.escape(word) for word in words) for words in concept.alternatives), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(phrases)) + r")(?!\w)", re.IGNORECASE)


class _WordCounts(dict):
    """{page id: how many of the query's concepts it matches}, and ``matched``: the concepts some page has."""

    def __init__(self):
        super().__init__()
        self.matched = set()


@dataclass
class _Record:
    """What one matching page contributes to ranking, facets and its card."""

    page: object
    type: str
    settings: set = field(default_factory=set)
    domains: set = field(default_factory=set)
    tags: dict = field(default_factory=dict)  # slug -> name
    members_only: bool = False

    def values(self, facet):
        if facet == "setting":
            return self.settings
        if facet == "domain":
            return self.domains
        if facet == "tag":
            return self.tags.keys()
        if facet == "type":
            return {self.type}
        return {str(self.page.date.year)}


def _vocabularies():
    """[(slug, name)] of every care setting and safety domain, each in its own order (one small query)."""
    from portal.taxonomy.models import SafetyDomain, Setting

    fields = ("sort_order", "name", "slug")
    rows = (
        Setting.objects.order_by()
        .annotate(kind=Value("setting", output_field=CharField()))
        .values_list("kind", *fields)
        .union(
            SafetyDomain.objects.order_by()
            .annotate(kind=Value("domain", output_field=CharField()))
            .values_list("kind", *fields),
            all=True,
        )
    )
    vocabularies = {"setting": [], "domain": []}
    for kind, _order, name, slug in sorted(rows):
        vocabularies[kind].append((slug, name))
    return vocabularies


def _terms_of(ids, kinds=("setting", "domain", "tag")):
    """(page id, kind, slug, name, sort order) for the settings, domains and topic tags of pages, in one query."""
    from portal.core.models import KnowledgePage

    def rows(queryset, page_field, kind, term, order):
        return (
            queryset.filter(**{f"{page_field}__in": ids})
            .order_by()
            .annotate(kind=Value(kind, output_field=CharField()), order=order)
            .values_list(page_field, "kind", f"{term}__slug", f"{term}__name", "order")
        )

    parts = []
    if "setting" in kinds:
        parts.append(
            rows(
                KnowledgePage.settings.through.objects,
                "knowledgepage_id",
                "setting",
                "setting",
                F("setting__sort_order"),
            )
        )
    if "domain" in kinds:
        parts.append(
            rows(
                KnowledgePage.safety_domains.through.objects,
                "knowledgepage_id",
                "domain",
                "safetydomain",
                F("safetydomain__sort_order"),
            )
        )
    if "tag" in kinds:
        no_order = Value(0, output_field=IntegerField())
        parts.extend(
            rows(through.objects, "content_object_id", "tag", "tag", no_order) for through in tag_through_models()
        )
    return parts[0].union(*parts[1:], all=True)


def _matches(record, selected, ignore=None):
    """Whether a page passes every chosen filter (any of the values chosen within one facet)."""
    return all(record.values(facet) & chosen for facet, chosen in selected.items() if chosen and facet != ignore)


def _term_sources():
    """(through model, page column, term column, kind) for settings, domains and each page type's tags."""
    from portal.core.models import KnowledgePage

    return [
        (KnowledgePage.settings.through, "knowledgepage_id", "setting_id", "setting"),
        (KnowledgePage.safety_domains.through, "knowledgepage_id", "safetydomain_id", "domain"),
        *((through, "content_object_id", "tag_id", "tag") for through in tag_through_models()),
    ]


def _own_term_ids(page):
    """``{"setting": [ids], "domain": [ids], "tag": [ids]}`` of one page, in one query."""
    parts = [
        model.objects.filter(**{page_column: page.pk})
        .order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("kind", term_column)
        for model, page_column, term_column, kind in _term_sources()
    ]
    own = {"setting": [], "domain": [], "tag": []}
    for kind, term in parts[0].union(*parts[1:], all=True):
        own[kind].append(term)
    return own


def _shared_weights(page_ids, own_ids):
    """{page id: how much it shares with ``own_ids``}, weighted by ``RELATED_WEIGHTS``, in one query.

    Written in SQL rather than through the ORM: with a few hundred candidate
    pages, Django spends longer preparing the id lists of six subqueries than
    the database spends answering them. Only table and column names come from
    the models; every value is a parameter.
    """
    from django.db import connection

    quote = connection.ops.quote_name
    parts, params = [], []
    for model, page_column, term_column, kind in _term_sources():
        terms = own_ids[kind]
        if not terms:
            continue
        page, term = quote(page_column), quote(term_column)
        parts.append(
            f"SELECT {page}, %s * COUNT(*) FROM {quote(model._meta.db_table)} "  # noqa: S608 - names from the models, values are parameters
            f"WHERE {page} IN ({', '.join(['%s'] * len(page_ids))}) AND {term} IN ({', '.join(['%s'] * len(terms))}) "
            f"GROUP BY {page}"
        )
        params += [RELATED_WEIGHTS[kind], *page_ids, *terms]
    if not parts:
        return {}
    weights = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for page_id, weight in cursor.fetchall():
            weights[page_id] = weights.get(page_id, 0) + weight
    return weights


def concepts_of(text):
    """The query's concepts, with compound words and their spaced forms finding each other.

    Which words are compounds is read from the spelling dictionary's known
    words (``spelling.get_dictionary``, cached), so only queries that could
    hold one (a long word, or two words side by side) look at it.
    """
    concepts = parse(text)
    words = [concept.text for concept in concepts if not concept.exact and " " not in concept.text]
    if len(words) >= 2 or any(len(word) >= 6 for word in words):
        concepts = with_compounds(concepts, spelling.get_dictionary().is_known)
    return concepts


class DatabaseEngine:
    def search(self, query: Query) -> Results:
        """Every word; else its spelling corrected; else pages with some of the words.

        The order is deliberate: a misspelt word is more likely than a word no
        page uses, so the correction is searched first (as before), and only
        when neither finds a page are pages with some of the words shown
        (``_some_words``), still offering the correction as "Did you mean".
        """
        concepts = concepts_of(query.text)
        results, records = self._search(query, concepts)
        if not concepts or results.total > FEW_HITS:
            return results
        tokens = tokenize(query.text)
        if results.total:
            # Every concept matched, so every word is in some page. Only a word that no
            # matching page shows in its title, summary or topics may still be a typo
            # that happens to appear deep in a body text.
            shown = set()
            for record in records:
                shown.update(tokenize(" ".join([record.page.title, record.page.summary, *record.tags.values()])))
            suspects = [token for token in tokens if not shown.intersection(variants(token))]
            corrected = spelling.correct(tokens, suspects) if suspects else None
            if corrected:
                results.suggestion = " ".join(corrected)
            return results
        corrected = spelling.correct(tokens)
        if corrected is not None:
            corrected_text = " ".join(corrected)
            retry, _records = self._search(replace(query, text=corrected_text), concepts_of(corrected_text))
            if retry.total:
                if query.autocorrect:
                    retry.corrected_from = query.text
                    return retry
                results.suggestion = corrected_text
        return self._some_words(query, concepts, results)

    def _some_words(self, query, concepts, results):
        """Pages with some of the words, most words first, when none has them all (and there are two or more)."""
        if len(concepts) < 2:
            return results
        some, _records = self._search(query, concepts, some_words=True)
        if not some.total:
            return results
        some.suggestion = results.suggestion
        return some

    def _search(self, query, concepts, some_words=False):
        from portal.core.models import is_members_only_path, restricted_paths

        restrictions = restricted_paths()
        pages = visible_pages(query.user, restrictions).only(*CARD_FIELDS)
        vocabularies = _vocabularies()
        found_words = {}
        if concepts and some_words:
            found, found_words = self._match_some(pages, concepts)
        elif concepts:
            found = self._match(pages, concepts)
        elif query.text.strip():
            found = []  # only punctuation, emoji or stop words: nothing to look for
        else:
            found = list(pages.order_by("-date", "-pk"))
        records = self._records(found)
        for record in records:
            record.members_only = is_members_only_path(record.page.path, restrictions)
        if concepts:
            self._rank(records, concepts)
        if found_words:
            # Most words first; the ranking above within each number of words (the sort is stable).
            records.sort(key=lambda record: -found_words[record.page.pk])
        selected = {facet: set(query.filters.get(facet, ())) for facet in FACETS}
        matching = [record for record in records if _matches(record, selected)]
        if query.sort == "newest":
            matching.sort(key=lambda record: (record.page.date, record.page.pk), reverse=True)

        per_page = max(1, query.per_page)
        num_pages = max(1, -(-len(matching) // per_page))
        page_number = min(max(1, query.page), num_pages)
        shown = matching[(page_number - 1) * per_page : page_number * per_page]
        results = Results(
            query=replace(query, page=page_number),
            hits=self._hits(shown, search_terms(concepts), vocabularies),
            total=len(matching),
            facets=self._facets(records, selected, vocabularies),
            num_pages=num_pages,
        )
        if some_words:
            results.some_words = True
            results.unmatched = tuple(concept.text for concept in concepts if concept.text not in found_words.matched)
        return results, matching

    @staticmethod
    def _match(pages, concepts):
        """Pages matching every concept, the backend's best first.

        A page's topic tags, care settings and safety domains are in its index
        entry (``search.signals`` indexes it again once they are saved), so
        "sepsis", "GP" or "past harm" find pages tagged with them.
        """
        return list(pages.search(backend_query(concepts)))

    @staticmethod
    def _match_some(pages, concepts):
        """Pages matching any concept, the backend's best first, and how many concepts each matches.

        One backend query for the order, and one per concept for which pages
        have it (a query has at most ``vocabulary.MAX_TOKENS`` concepts).
        """
        found = list(pages.search(Or([backend_query([concept]) for concept in concepts])))
        counts = _WordCounts()
        for concept in concepts:
            having = {page.pk for page in pages.search(backend_query([concept]))}
            if having:
                counts.matched.add(concept.text)
            for pk in having:
                counts[pk] = counts.get(pk, 0) + 1
        return [page for page in found if counts.get(page.pk)], counts

    @staticmethod
    def _records(pages):
        """One record per page, in the given order, with its settings, domains and tags (one query)."""
        type_keys = _type_keys()
        records = {page.pk: _Record(page=page, type=type_keys.get(page.content_type_id, "")) for page in pages}
        if not records:
            return []
        for page_id, kind, slug, name, _order in _terms_of(list(records)):
            record = records[page_id]
            if kind == "setting":
                record.settings.add(slug)
            elif kind == "domain":
                record.domains.add(slug)
            else:
                record.tags[slug] = name
        return list(records.values())

    @staticmethod
    def _rank(records, concepts):
        """Title matches first, then topic tags, then summary; the backend's order within each group."""
        patterns = [_concept_pattern(concept) for concept in concepts]

        def score(record):
            tags = " | ".join(record.tags.values())
            total = 0
            for pattern in patterns:
                if pattern.search(record.page.title):
                    total += 3
                elif pattern.search(tags):
                    total += 2
                elif pattern.search(record.page.summary):
                    total += 1
            return total

        records.sort(key=score, reverse=True)

    @staticmethod
    def _facets(records, selected, vocabularies):
        """Counts for every facet, each over the pages that match all the *other* chosen filters."""
        counts = {
            facet: Counter(
                value
                for record in records
                if _matches(record, selected, ignore=facet)
                for value in record.values(facet)
            )
            for facet in FACETS
        }

        def listed(facet, labelled):
            return [
                FacetValue(key=key, label=label, count=counts[facet][key], selected=key in selected[facet])
                for key, label in labelled
                if counts[facet][key] or key in selected[facet]
            ]

        tag_names = {slug: name for record in records for slug, name in record.tags.items()}
        missing = selected["tag"] - set(tag_names)
        if missing:  # a chosen topic no matching page has: name it all the same
            tag_names.update(Tag.objects.filter(slug__in=missing).values_list("slug", "name"))
        top_tags = sorted(counts["tag"], key=lambda slug: (-counts["tag"][slug], tag_names.get(slug, slug)))
        top_tags = top_tags[:MAX_TAG_FACETS]
        shown_tags = top_tags + sorted(selected["tag"] - set(top_tags))
        years = sorted(set(counts["year"]) | selected["year"], reverse=True)
        return {
            "setting": listed("setting", vocabularies["setting"]),
            "domain": listed("domain", vocabularies["domain"]),
            "type": listed("type", CONTENT_TYPES.items()),
            "tag": listed("tag", [(slug, tag_names[slug]) for slug in shown_tags if slug in tag_names]),
            "year": listed("year", [(year, year) for year in years]),
        }

    @staticmethod
    def _hits(records, terms, vocabularies):
        """Cards for one page of results; snippets from the summary or the indexed text (one query)."""
        if not records:
            return []
        texts = {}
        if terms:
            entries = IndexEntry.objects.filter(
                object_id__in=[str(record.page.pk) for record in records],
                content_type_id__in=list(_type_keys()),
            ).values_list("object_id", spelling.index_text_field())
            texts = {int(object_id): text for object_id, text in entries}
        return [
            _hit(record, _snippet(record.page.summary, texts.get(record.page.pk, ""), terms), vocabularies)
            for record in records
        ]

    def autocomplete(self, prefix: str, limit: int = 8, user=None) -> list[dict]:
        words = tokenize(prefix)
        if not words or len("".join(words)) < 2:
            return []
        type_keys = _type_keys()
        pages = visible_pages(user).only("id", "title", "content_type_id", "url_path")
        return [
            {"title": page.title, "url": page.get_url() or "", "type": type_keys.get(page.content_type_id, "")}
            for page in pages.autocomplete(" ".join(words))[:limit]
        ]

    def related(self, page, limit: int = 4, user=None) -> list[Hit]:
        """Pages sharing the most topic tags, settings and domains with ``page``, newest first among equals.

        Almost every page shares a setting or a domain with every other, so
        ranking the whole site made each knowledge page's cost grow with the
        site. Only two windows of candidates are ranked: the
        ``RELATED_CANDIDATES`` most recently added pages sharing a topic tag
        (read from the tag side, per kind of page) and the as many newest
        pages, by date, sharing a setting or domain (walked on the date index,
        so the walk stops early: nearly every page shares one). An older page
        that shares more can be passed over for a newer one.

        Small queries, none reading more than the candidates: the page's own
        terms; the pages sharing its tags (one per kind of page) and which of
        them the reader may see; the newest pages sharing a setting or domain;
        the candidates' shared terms, scored here; the chosen pages; their
        settings and domains for the cards.
        """
        from portal.core.models import KnowledgePage

        own_ids = _own_term_ids(page)
        if not any(own_ids.values()):
            return []
        setting_through = KnowledgePage.settings.through
        domain_through = KnowledgePage.safety_domains.through
        others = KnowledgePage.objects.visible_to(user).exclude(pk=page.pk)
        newest = others.order_by("-date", "-pk").values_list("pk", "date")
        shares_term = Exists(
            setting_through.objects.filter(knowledgepage_id=OuterRef("pk"), setting_id__in=own_ids["setting"])
        ) | Exists(
            domain_through.objects.filter(knowledgepage_id=OuterRef("pk"), safetydomain_id__in=own_ids["domain"])
        )
        dates = {}
        if own_ids["tag"]:
            # From the tag side: a tag is often on few pages, and walking the
            # site by date to find them would read every page.
            sharing = {
                pk
                for through in tag_through_models()
                for pk in through.objects.filter(tag_id__in=own_ids["tag"])
                .order_by("-content_object_id")
                .values_list("content_object_id", flat=True)[:RELATED_CANDIDATES]
            }
            latest = sorted(sharing, reverse=True)[:RELATED_CANDIDATES]
            dates.update(others.filter(pk__in=latest).values_list("pk", "date"))
        if own_ids["setting"] or own_ids["domain"]:
            dates.update(newest.filter(shares_term)[:RELATED_CANDIDATES])
        if not dates:
            return []
        overlap = _shared_weights(list(dates), own_ids)
        chosen = sorted(overlap, key=lambda pk: (overlap[pk], dates[pk], pk), reverse=True)[:limit]
        by_pk = {row.pk: row for row in others.filter(pk__in=chosen).only(*CARD_FIELDS)}
        rows = [by_pk[pk] for pk in chosen if pk in by_pk]
        if not rows:
            return []
        type_keys = _type_keys()
        records = {
            row.pk: _Record(page=row, type=type_keys.get(row.content_type_id, ""), members_only=row.members_only)
            for row in rows
        }
        names = {"setting": set(), "domain": set()}
        for page_id, kind, slug, name, order in _terms_of(list(records), kinds=("setting", "domain")):
            (records[page_id].settings if kind == "setting" else records[page_id].domains).add(slug)
            names[kind].add((order, name, slug))
        vocabularies = {kind: [(slug, name) for _order, name, slug in sorted(terms)] for kind, terms in names.items()}
        return [_hit(record, escape(record.page.summary), vocabularies) for record in records.values()]


def _snippet(summary, text, terms):
    """The summary with the searched terms marked, or a marked passage of the text if only it has them."""
    if terms and not highlight.contains(summary, terms) and highlight.contains(text, terms):
        return highlight.snippet(text, terms)
    return highlight.mark(summary, terms)


def _hit(record, snippet, vocabularies):
    page = record.page
    return Hit(
        page_id=page.pk,
        title=page.title,
        content_type=record.type,
        url=page.get_url() or "",
        date=page.date,
        settings=tuple(Term(slug, name) for slug, name in vocabularies["setting"] if slug in record.settings),
        domains=tuple(Term(slug, name) for slug, name in vocabularies["domain"] if slug in record.domains),
        snippet=snippet,
        members_only=record.members_only,
    )
