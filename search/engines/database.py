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
  the backend's order within each group, so both databases rank alike. The
  ranking is an ``ORDER BY`` (``_ranked``), so only one page of results is
  ever read from the database, and the backend's own score is worked out only
  for the groups that page falls in (``_counts_and_page``; on SQLite, whose
  backend scores in a subquery per page, once for every match, in one pass:
  ``_scored_once``; on PostgreSQL, each distinct stemmed phrasing once:
  ``_ranked_once``). On PostgreSQL the whole-word test of a title or summary
  runs only on texts holding the first word of a phrasing (``_first_words``),
  and with no filter chosen every match is grouped as it is found;
* finds the matching pages once per search and, in the same statement, counts
  every facet over them and picks the ids of the page of results shown
  (``_counts_and_page``), however many match. On PostgreSQL the matches are
  found, counted and grouped in ``search_pagedocument``
  (``search.models.PageDocument``), one narrow row per page kept by triggers,
  with the same full-text query against the same vectors: no join of each
  match to the page tables and no lookup of its facets. On SQLite, settings,
  domains and topic tags are counted from ``search_pagefacet``, a copy of them
  kept by triggers (``search.models.PageFacet``), one index lookup per match;
* corrects spelling with ``search.engines.spelling``: when nothing matches it
  searches for the corrected words, and with one or two results it offers
  them as "Did you mean ...?" (the steps are ``search.facets.search_corrected``,
  shared with the Elasticsearch engine).

On PostgreSQL the matching uses a GIN index over the index entries' title and
body together (``search_pagedocument``'s copy of them, migration
``search.0008``; Wagtail's own query, which ranks the page of results shown,
uses the index of migration ``search.0006`` over the entries themselves).

Only live pages are searched: public ones, and member-only ones for members
(``KnowledgePageQuerySet.searchable_by``, the same rule as the listings and the
Elasticsearch index). Pages behind any other restriction are never found.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field, replace
from functools import partial, reduce

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Case, CharField, Exists, F, FloatField, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import Col, Expression, RawSQL
from django.db.models.functions import Cast, ExtractYear
from django.db.models.lookups import Exact
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.models import IndexEntry
from wagtail.search.query import And, Or, Phrase, PlainText
from wagtail.search.utils import get_descendants_content_types_pks

from portal.core.knowledge_types import KNOWLEDGE_PAGE_TYPES, tag_through_models
from portal.core.memo import remember
from search import highlight
from search.engines import spelling
from search.facets import FEW_HITS, facet_values, search_corrected
from search.results import FACETS, Hit, Query, Results, Term
from search.vocabulary import parse, search_terms, tokenize, variants, with_compounds

# A shared topic tag says more about two pages than a shared setting or domain.
RELATED_WEIGHTS = {"tag": 2, "setting": 1, "domain": 1}
RELATED_CANDIDATES = 200  # newest pages sharing a tag, and as many sharing a setting or domain, that are ranked
CARD_FIELDS = ("id", "title", "summary", "date", "content_type_id", "url_path", "path")
# Sent in the same round trip as the search's statement, and for it alone (SET LOCAL ends with the
# statement's own transaction when Django autocommits). PostgreSQL's cost estimates for the per-page
# index lookups of the facet counts are pessimistic enough to make it compile the query first (JIT):
# 0.15 to 1.6 s at 100,000 pages, for a query that then runs in a few hundred ms. And with the
# default random_page_cost (4, for spinning disks) a search of many synonyms ("medication") read
# every index entry rather than the GIN index: 420 ms against 120 ms. Searched pages are read from
# memory or SSD, for which 1.1 is the usual figure.
_BEFORE_SEARCH = {"postgresql": "SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1; "}


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


def visible_documents(user=None, restrictions=None):
    """On PostgreSQL, the search's copy of the pages ``visible_pages`` gives (``PageDocument``); elsewhere None.

    The same rule: live, and not below a restriction the reader is not let
    through (``hidden_from``, the rule ``searchable_by`` applies).
    """
    if connection.vendor != "postgresql":
        return None
    from portal.core.models import hidden_from
    from search.models import PageDocument

    hidden = hidden_from(user, restrictions)
    documents = PageDocument.objects.filter(live=True)
    return documents.exclude(hidden) if hidden else documents


def _search_query_of(matched):
    """The full-text query Wagtail's backend put in ``matched``'s filter (its ``vector @@ query``), or None.

    The same query, matched against the same vectors (``PageDocument.vector``
    is the index entry's title and body together, as the backend matches
    them), finds the same pages.
    """
    from django.contrib.postgres.search import SearchQueryCombinable

    found = []

    def walk(node):
        for child in getattr(node, "children", ()):
            if isinstance(getattr(child, "rhs", None), SearchQueryCombinable):
                found.append(child.rhs)
            else:
                walk(child)

    walk(matched.query.where)
    return found[0] if len(found) == 1 else None


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
    """A regular expression for any of the concept's phrasings as whole words, for ``__iregex``.

    The same pattern means the same on both databases: PostgreSQL's ``~*``
    and the Python ``re`` function Django gives SQLite. On PostgreSQL the
    whole-word test is written with its own word boundaries, ``\\m`` and
    ``\\M``, which test the same thing here (every phrasing begins and ends
    with a letter or digit) at about half the cost of the lookarounds: 66 ms
    against 30 ms over 3,333 titles and summaries for "pressure ulcers"
    (14 phrasings).
    """
    phrases = sorted((r"\s+".join(re.escape(word) for word in words) for words in concept.alternatives), key=len)
    alternatives = "|".join(reversed(phrases))
    if connection.vendor == "postgresql":
        return r"\m(?:" + alternatives + r")\M"
    return r"(?<!\w)(?:" + alternatives + r")(?!\w)"


def _first_words(concept, field_name):
    """A test that ``field_name`` holds the first word of one of the concept's phrasings, anywhere, in any case.

    Every text matching ``_concept_pattern`` passes it (each phrasing begins
    with its first word, and the case is ignored by the same engine), so it
    goes before that pattern and spares PostgreSQL the whole-word test of
    most texts: a plain word is found several times faster than a long
    alternation of phrases with word boundaries (over 20,000 summaries, 69 ms
    against 153 to 247 ms for the 14 phrasings of "pressure ulcers"). A word
    that holds another ("bedsores", "bed") adds nothing and is left out.
    """
    words = sorted({words[0].lower() for words in concept.alternatives}, key=len)
    needed = []
    for word in words:
        if not any(shorter in word for shorter in needed):
            needed.append(word)
    return reduce(operator.or_, (Q(**{f"{field_name}__iregex": re.escape(word)}) for word in needed))


@dataclass
class _Record:
    """What one matching page contributes to ranking, facets and its card."""

    page: object
    type: str
    settings: set = field(default_factory=set)
    domains: set = field(default_factory=set)
    tags: dict = field(default_factory=dict)  # slug -> name
    members_only: bool = False


def _vocabularies():
    """[(slug, name)] of every care setting and safety domain, each in its own order.

    One small query, kept until content or the taxonomy next changes
    (``portal.core.memo.remember``): every search labels its facets with it.
    """
    return remember("search:vocabularies", _read_vocabularies)


def _read_vocabularies():
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
    """(page id, kind, slug, name, sort order) for the settings, domains and topic tags of pages, in one query.

    Written in SQL, as ``_shared_weights`` is: for the ten cards of a page of
    results, Django took longer to build the union of six querysets than the
    database took to answer it. Only table and column names come from the
    models; every value is a parameter.
    """
    if not ids:
        return []
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    parts, params = [], []
    for model, page_column, term_column, kind in _term_sources():
        if kind not in kinds:
            continue
        term_model = model._meta.get_field(term_column.removesuffix("_id")).related_model
        order = f"x.{quote('sort_order')}" if kind != "tag" else "0"
        parts.append(
            f"SELECT t.{quote(page_column)}, '{kind}', x.{quote('slug')}, x.{quote('name')}, {order} "  # noqa: S608 - names from the models
            f"FROM {quote(model._meta.db_table)} t JOIN {quote(term_model._meta.db_table)} x "
            f"ON x.{quote('id')} = t.{quote(term_column)} WHERE t.{quote(page_column)} IN ({marks})"
        )
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def _any_tag(**lookups):
    """Whether a page has a topic tag matching ``lookups`` (each page type keeps its tags in its own table).

    Uncorrelated ``IN`` subqueries, which each database answers once per
    search (PostgreSQL as hashed subplans): as correlated ``EXISTS`` they ran
    once for every matching page, and ranking 1,730 pages spent 100 ms on them.
    """
    return reduce(
        operator.or_,
        (Q(pk__in=through.objects.filter(**lookups).values("content_object_id")) for through in tag_through_models()),
    )


def _chosen(selected):
    """The filters as the database knows them: type keys as content type ids, years as numbers."""
    ids = {key: pk for pk, key in _type_keys().items()}
    chosen = {facet: sorted(values) for facet, values in selected.items() if values}
    if "type" in chosen:
        chosen["type"] = [ids[key] for key in chosen["type"] if key in ids]
    if "year" in chosen:
        chosen["year"] = [int(year) for year in chosen["year"] if year.isdigit() and str(int(year)) == year]
    return chosen


def _filtered(pages, selected):
    """``pages`` that pass every chosen filter: any of the values chosen within one facet."""
    from portal.core.models import KnowledgePage

    chosen = _chosen(selected)
    conditions = {
        "setting": lambda values: Exists(
            KnowledgePage.settings.through.objects.filter(knowledgepage_id=OuterRef("pk"), setting__slug__in=values)
        ),
        "domain": lambda values: Exists(
            KnowledgePage.safety_domains.through.objects.filter(
                knowledgepage_id=OuterRef("pk"), safetydomain__slug__in=values
            )
        ),
        "type": lambda values: Q(content_type_id__in=values),
        "tag": lambda values: _any_tag(tag__slug__in=values),
        "year": lambda values: Q(date__year__in=values),
    }
    for facet, values in chosen.items():
        pages = pages.filter(conditions[facet](values)) if values else pages.none()
    return pages


def _grouped(pages, concepts, having=()):
    """``pages`` annotated with ``rank_group``: the cheap part of the ranking, one number, highest first.

    A page scores 3 for each concept in its title, else 2 if in a topic tag,
    else 1 if in its summary. With ``having`` (for pages with some of the
    words: the ids of the pages matching each concept) the number of concepts
    a page has comes before the score: it is counted in units larger than any
    score can reach. ``pages`` may also be ``PageDocument`` rows, which carry
    the same title and summary and their page's tag ids.
    """
    documents = pages.model._meta.label == "search.PageDocument"
    if documents:
        from django.contrib.postgres.expressions import ArraySubquery
    score = Value(0)
    for concept in concepts:
        pattern = _concept_pattern(concept)
        in_title, in_summary = Q(title__iregex=pattern), Q(summary__iregex=pattern)
        if connection.vendor == "postgresql":
            in_title = _first_words(concept, "title") & in_title
            in_summary = _first_words(concept, "summary") & in_summary
        if documents:  # the page's own tag ids, against those of the tags the pattern names
            in_tags = Q(tags__overlap=ArraySubquery(Tag.objects.filter(name__iregex=pattern).order_by().values("pk")))
        else:
            in_tags = _any_tag(tag__name__iregex=pattern)
        score = score + Case(
            When(in_title, then=Value(3)),
            When(in_tags, then=Value(2)),
            When(in_summary, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    for ids in having:
        score = score + Case(
            When(pk__in=ids, then=Value(3 * len(concepts) + 1)), default=Value(0), output_field=IntegerField()
        )
    return pages.annotate(rank_group=score)


def _ranked(pages, concepts, having=()):
    """``pages`` (a backend search, in its order) with title matches first, then topic tags, then summary.

    The ``rank_group`` of ``_grouped`` first (so, with ``having``, pages with
    more of the words first); the backend's order is kept among equal groups.
    Worked out in the database, so only the page of results shown is read.
    """
    return _grouped(pages, concepts, having).order_by(F("rank_group").desc(), *pages.query.order_by)


def _compiled(queryset):
    return queryset.query.get_compiler(connection=connection).as_sql()


def _fails(selected, documents=False):
    """{facet: an expression that is 1 for a page failing that facet's chosen filter, else 0}, for chosen facets.

    Each is one uncorrelated ``IN`` subquery, which both databases answer once
    for the whole search (PostgreSQL as a hashed subplan), not once per page.
    With ``documents``, for ``PageDocument`` rows, whose settings, domains and
    tags are arrays of ids: a test that the array shares an id with the
    chosen values' ids (one small subquery each). A facet whose chosen values
    are none the database knows fails every page.
    """
    from portal.core.models import KnowledgePage

    chosen = _chosen(selected)
    setting_through = KnowledgePage.settings.through.objects
    domain_through = KnowledgePage.safety_domains.through.objects
    conditions = {
        "setting": lambda values: Q(pk__in=setting_through.filter(setting__slug__in=values).values("knowledgepage_id")),
        "domain": lambda values: Q(
            pk__in=domain_through.filter(safetydomain__slug__in=values).values("knowledgepage_id")
        ),
        "type": lambda values: Q(content_type_id__in=values),
        "tag": lambda values: _any_tag(tag__slug__in=values),
        "year": lambda values: Q(date__year__in=values),
    }
    if documents:
        from django.contrib.postgres.expressions import ArraySubquery

        from portal.taxonomy.models import SafetyDomain, Setting

        def shares(column, model):
            return lambda values: Q(
                **{f"{column}__overlap": ArraySubquery(model.objects.filter(slug__in=values).order_by().values("pk"))}
            )

        conditions.update(setting=shares("settings", Setting), domain=shares("domains", SafetyDomain))
        conditions["tag"] = shares("tags", Tag)
    fails = {}
    for facet, values in chosen.items():
        passes = conditions[facet](values) if values else Q(pk__in=[])
        fails[facet] = Case(When(passes, then=Value(0)), default=Value(1), output_field=IntegerField())
    return fails


def _facet_counts_sql(searched=True, arrays=False):
    """SQL of ``facet_counts(kind, term_id, n)``, and SQL giving (facet, key, label, count) from it and ``matched``.

    Together, every facet value of the ``matched`` pages with its count.

    Each value is counted over the matching pages that pass every *other*
    chosen filter (``fails_<facet>`` columns of ``matched``, from
    ``_counts_and_page``). Settings, domains and topic tags are read from
    ``search_pagefacet`` (``search.models.PageFacet``, a copy of the six tables
    they live in, kept by triggers), counted by kind and id, and only then
    named: the planner knows how few values there are, so it groups in a small
    hash table rather than sorting every row. Type and year are columns of
    ``matched``. ``searched`` says the pages were found by a search, and so are
    usually a small share of the site; without it (a search with only filters)
    every visible page is counted. Only table and column names come from the
    models.

    On PostgreSQL each matching page's rows are read through the table's index
    on (page, kind, term): one lookup per match, where reading the settings,
    domains and the page type's tag table cost three (for the 19,050 matches of
    "medication" at 100,000 pages, 80 ms of the statement). When every page is
    counted, hashing the table whole is the cheaper, and the planner's join does
    that.

    With ``arrays`` (``matched`` read from ``PageDocument``), each match's
    settings, domains and tags are arrays of ids in its own row, and are
    unnested there: no lookup at all.
    """
    from portal.taxonomy.models import SafetyDomain, Setting
    from search.models import PageFacet

    quote = connection.ops.quote_name
    others = {facet: " + ".join(f"m.fails_{each}" for each in FACETS if each != facet) for facet in FACETS}
    counted = {facet: f"SUM(CASE WHEN {others[facet]} = 0 THEN 1 ELSE 0 END)" for facet in FACETS}
    kinds = {PageFacet.SETTING: "setting", PageFacet.DOMAIN: "domain", PageFacet.TAG: "tag"}
    failing = " ".join(f"WHEN {number} THEN {others[kind]}" for number, kind in kinds.items())
    table = quote(PageFacet._meta.db_table)
    if searched and connection.vendor == "postgresql":
        # OFFSET 0 keeps the planner from turning the lateral subquery back into a join, which
        # hashes the whole table: a cost that grows with the site rather than the matches.
        rows = f"JOIN LATERAL (SELECT kind, term_id FROM {table} WHERE page_id = m.page_id OFFSET 0) f ON TRUE"  # noqa: S608 - names from the models
    else:
        rows = f"JOIN {table} f ON f.page_id = m.page_id"
    terms = {PageFacet.SETTING: Setting, PageFacet.DOMAIN: SafetyDomain, PageFacet.TAG: Tag}
    if arrays:  # each kind's ids unnested straight from the rows, with the filters the count heeds
        columns = {PageFacet.SETTING: "settings", PageFacet.DOMAIN: "domains", PageFacet.TAG: "tags"}
        unnested = " UNION ALL ".join(
            f"SELECT {number} AS kind, unnest(m.{column}) AS term_id, {others[kinds[number]]} AS others FROM matched m"  # noqa: S608 - our column names
            for number, column in columns.items()
        )
        counts = (
            "SELECT f.kind AS kind, f.term_id AS term_id, SUM(CASE WHEN f.others = 0 THEN 1 ELSE 0 END) AS n "  # noqa: S608 - our column names
            f"FROM ({unnested}) AS f GROUP BY f.kind, f.term_id"
        )
    else:
        counts = (
            f"SELECT f.kind AS kind, f.term_id AS term_id, "  # noqa: S608 - names from the models and our facet names
            f"SUM(CASE WHEN (CASE f.kind {failing} END) = 0 THEN 1 ELSE 0 END) AS n "
            f"FROM matched m {rows} GROUP BY f.kind, f.term_id"
        )
    named = []
    for number, model in terms.items():
        label = f"x.{quote('name')}" if kinds[number] == "tag" else "''"
        named.append(
            f"SELECT '{kinds[number]}' AS facet, x.{quote('slug')} AS key, {label} AS label, c.n AS n "  # noqa: S608 - names from the models
            f"FROM facet_counts c JOIN {quote(model._meta.db_table)} x ON x.{quote('id')} = c.term_id "
            f"WHERE c.kind = {number}"
        )
    named.extend(
        f"SELECT '{facet}' AS facet, m.{facet}_key AS key, '' AS label, {counted[facet]} AS n "  # noqa: S608 - our facet names
        f"FROM matched m GROUP BY m.{facet}_key"
        for facet in ("type", "year")
    )
    return counts, " UNION ALL ".join(named)


def _order_columns(queryset):
    """``queryset`` with each key of its ordering as a column ``_o0``, ``_o1`` ..., and [(column, descending)].

    So that an enclosing query can number the rows in the same order, or
    order them again, by the values the database worked out once.
    """
    columns, keys = {}, []
    for number, key in enumerate(queryset.query.order_by):
        if isinstance(key, str):
            expression, descending = F(key.removeprefix("-")), key.startswith("-")
        else:  # OrderBy, as Wagtail's PostgreSQL backend gives its ranking
            expression, descending = key.expression, key.descending
        columns[f"_o{number}"] = expression
        keys.append((f"_o{number}", descending))
    return queryset.annotate(**columns), keys


def _numbered(keys, prefix=""):
    """``ROW_NUMBER() OVER (ORDER BY ...)`` for ``keys`` of ``_order_columns``, the columns named from ``prefix``."""
    order = ", ".join(f"{prefix}{column} {'DESC' if descending else 'ASC'}" for column, descending in keys)
    return f"ROW_NUMBER() OVER (ORDER BY {order})"


def _counts_and_page(matched, order, selected, start, per_page, searched=True, grouping=None, documents=None):
    """``({facet: {key: count}}, {tag slug: name}, total, [ids of the pages shown]`` in one query.

    The matching pages are found once (a common table expression carrying
    each page's type, year and whether it passes each chosen filter), then
    counted: each facet's values over the matching pages that pass every
    *other* chosen filter, ``total`` over those passing them all. The same
    statement ranks the pages passing every filter (``order``, the backend's
    search with its ranking) and gives the ids of the ``per_page`` from
    ``start``, so the match is made once per search, not once for the counts
    and again for the page. Nothing is counted in Python. Tag names come for
    every tag on a matching page, so a chosen topic is named without another query.

    With ``grouping`` (a function annotating ``rank_group``, the cheap part of
    ``order``'s ranking, see ``_grouped``), the backend's own ranking is worked
    out only for the pages in the groups that rows ``start`` to ``start +
    per_page`` fall in: every passing page is grouped, the groups of those rows
    are found by their place, and the backend orders only within them. The
    order is the same as ``order``'s; the backend's ranking is the expensive
    part (``ts_rank`` unpacks each page's search vector once per phrasing).

    With ``documents`` (on PostgreSQL: ``visible_documents``, the search's
    copy of the pages ``matched`` is searched over), the matching pages are
    found in that copy by the same full-text query against the same vectors,
    and their type, year, filters and facets read from its rows
    (``PageDocument``): no join of each match to the page tables, and no
    lookup of its facets. The rest (grouping, ranking) is as without.
    """
    query = _search_query_of(matched) if documents is not None and searched else None
    documents = documents.filter(vector=query) if query is not None else None
    fails = _fails(selected, documents=documents is not None)
    zero = Value(0, output_field=IntegerField())
    type_key = Case(
        *[When(content_type_id=pk, then=Value(key)) for pk, key in _type_keys().items()],
        default=Value(""),
        output_field=CharField(),
    )
    columns = {
        "type_key": type_key,
        "year_key": Cast(ExtractYear("date"), output_field=CharField()),
        **{f"fails_{facet}": fails.get(facet, zero) for facet in FACETS},
    }
    # With no filter chosen every match passes, and on PostgreSQL each is grouped as it is found
    # (``grouped`` reads the group from ``matched``) rather than looked up again by id to be grouped.
    group_in_match = grouping is not None and not fails and connection.vendor == "postgresql"
    source = matched.order_by() if documents is None else documents
    names = [*columns, *(("settings", "domains", "tags") if documents is not None else ())]
    if group_in_match:
        source = grouping(source)
        names.append("rank_group")
    matching = source.annotate(**columns).values_list("pk", *names)
    matched_sql, matched_params = _compiled(matching)
    every = " + ".join(f"fails_{facet}" for facet in FACETS)
    passing = RawSQL(f"SELECT page_id FROM matched WHERE {every} = 0", ())  # noqa: S608, S611 - our own column names
    ctes = [(f"matched(page_id, {', '.join(names)}) AS ({matched_sql})", matched_params)]
    if grouping is None:
        shown, keys = _order_columns(order.filter(pk__in=passing))
        shown_sql, shown_params = _compiled(
            shown.annotate(page_id=F("pk")).values("page_id", *(column for column, _ in keys))[start : start + per_page]
        )
        # Numbered by the values the subquery ordered by: SQL keeps no order out of a subquery.
        shown_sql = f"SELECT shown.page_id, {_numbered(keys, 'shown.')} FROM ({shown_sql}) AS shown"  # noqa: S608 - our column names
    else:
        if group_in_match:
            grouped_sql, grouped_params = "SELECT page_id, rank_group FROM matched", []
        else:
            grouped_sql, grouped_params = _grouped_statement(
                grouping, matched.model if documents is None else documents.model, passing
            )
        needed = RawSQL(
            "SELECT page_id FROM grouped WHERE rank_group BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds)",
            (),
        )
        scored = _scored_once(matched)
        ranked_once = _ranked_once(matched.filter(pk__in=needed)) if scored is None else None
        if ranked_once is not None:
            ranked_sql, ranked_params, keys = ranked_once
        elif scored is None:
            ranked, keys = _order_columns(matched.filter(pk__in=needed).annotate(page_id=F("pk")))
            ranked_sql, ranked_params = _compiled(ranked.order_by().values("page_id", *(column for column, _ in keys)))
        else:
            ctes.append(scored)
            ranked_sql, ranked_params, keys = _SCORED_RANKED, [], [("_o0", False), ("_o1", True)]
        ctes += [
            (f"grouped(page_id, rank_group) AS ({grouped_sql})", grouped_params),
            (
                "bounds(lo, hi) AS (SELECT MIN(rank_group), MAX(rank_group) FROM "
                "(SELECT rank_group FROM grouped ORDER BY rank_group DESC LIMIT %s OFFSET %s) AS window_groups)",
                [per_page, start],
            ),
        ]
        before = "(SELECT COUNT(*) FROM grouped WHERE rank_group > (SELECT hi FROM bounds))"
        numbered = _numbered([("g.rank_group", True), *((f"r.{column}", descending) for column, descending in keys)])
        shown_sql = (
            f"SELECT page_id, position FROM (SELECT r.page_id, {before} + {numbered} AS position "  # noqa: S608 - our column names
            f"FROM ({ranked_sql}) AS r JOIN grouped g ON g.page_id = r.page_id) AS numbered "
            "WHERE position > %s AND position <= %s"
        )
        shown_params = [*ranked_params, start, start + per_page]
    facet_counts, named_counts = _facet_counts_sql(searched, arrays=documents is not None)
    ctes.append((f"facet_counts(kind, term_id, n) AS ({facet_counts})", []))
    sql = (
        f"WITH {', '.join(cte for cte, _params in ctes)} "  # noqa: S608 - SQL from the ORM and our facet names; values are parameters
        f"SELECT facet, key, label, n, 0 FROM ({named_counts}) AS counts "
        f"UNION ALL SELECT '', '', '', COUNT(*), 0 FROM matched WHERE {every} = 0 "
        f"UNION ALL SELECT 'shown', '', '', shown.* FROM ({shown_sql}) AS shown"
    )
    params = [param for _cte, cte_params in ctes for param in cte_params] + list(shown_params)
    counts = {facet: {} for facet in FACETS}
    tag_names, total, shown = {}, 0, []
    with connection.cursor() as cursor:
        cursor.execute(_BEFORE_SEARCH.get(connection.vendor, "") + sql, params)
        while cursor.description is None:  # past the setting, to the rows
            cursor.nextset()
        for facet, key, label, count, position in cursor.fetchall():
            count = int(count)  # PostgreSQL sums to a decimal
            if facet == "shown":
                shown.append((position, count))
            elif not facet:
                total = count
            else:
                if facet == "tag":
                    tag_names[key] = label
                if count:
                    counts[facet][key] = count
    return counts, tag_names, total, [pk for _position, pk in sorted(shown)]


def _grouped_statement(grouping, model, passing):
    """The SQL and parameters of ``grouped(page_id, rank_group)``: the passing pages with ``grouping``'s number.

    On SQLite, when ``grouping`` is ``_grouped``, the same SQL as the ORM
    gives for it is written out (``_grouped_sql``): building those Case and
    When expressions and compiling them cost more than the database's whole
    answer for a search of the demo site. Elsewhere, through the ORM, over
    ``model``'s rows (the knowledge pages, or on PostgreSQL the search's copy
    of them, ``PageDocument``).
    """
    if connection.vendor == "sqlite" and isinstance(grouping, partial) and grouping.func is _grouped:
        return _grouped_sql(passing, **grouping.keywords)
    return _compiled(grouping(model._base_manager.filter(pk__in=passing)).order_by().values_list("pk", "rank_group"))


def _grouped_sql(passing, concepts, having=()):
    """``_grouped``'s rank group of each page in ``passing`` (a RawSQL of page ids), as SQL: the same scores."""
    from portal.core.models import KnowledgePage

    quote = connection.ops.quote_name
    matches = connection.operators["iregex"] % "%s"
    page = f"k.{quote(KnowledgePage._meta.pk.column)}"
    title = f"p.{quote(KnowledgePage._meta.get_field('title').column)}"
    summary = f"k.{quote(KnowledgePage._meta.get_field('summary').column)}"
    tag_table = quote(Tag._meta.db_table)
    terms, params = [], []
    for concept in concepts:
        pattern = _concept_pattern(concept)
        in_tags = " OR ".join(
            f"{page} IN (SELECT t.{quote('content_object_id')} FROM {quote(through._meta.db_table)} t "  # noqa: S608 - names from the models
            f"JOIN {tag_table} x ON x.{quote('id')} = t.{quote('tag_id')} WHERE x.{quote('name')} {matches})"
            for through in tag_through_models()
        )
        terms.append(
            f"CASE WHEN {title} {matches} THEN 3 WHEN ({in_tags}) THEN 2 WHEN {summary} {matches} THEN 1 ELSE 0 END"
        )
        params += [pattern] * (len(tag_through_models()) + 2)
    for ids in having:
        ids_sql, ids_params = _compiled(ids)
        terms.append(f"CASE WHEN {page} IN ({ids_sql}) THEN {3 * len(concepts) + 1} ELSE 0 END")
        params += list(ids_params)
    passing_sql, passing_params = passing.sql, list(passing.params)
    sql = (
        f"SELECT {page}, ({' + '.join(['0', *terms])}) FROM {quote(KnowledgePage._meta.db_table)} k "  # noqa: S608 - names from the models
        f"JOIN {quote(Page._meta.db_table)} p ON p.{quote('id')} = {page} WHERE {page} IN ({passing_sql})"
    )
    return sql, params + passing_params


# The pages of the groups needed (``_counts_and_page``), in the backend's order (score, then newest
# id first, as Wagtail's SQLite backend orders), reading each page's score from ``scores``.
_SCORED_RANKED = (
    "SELECT g.page_id AS page_id, s.score AS _o0, g.page_id AS _o1 FROM grouped g "
    "LEFT JOIN scores s ON s.page_id = g.page_id "
    "WHERE g.rank_group BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds)"
)


def _scored_once(matched):
    """On SQLite, a ``scores(page_id, score)`` common table expression giving every match its backend score once.

    Wagtail's SQLite backend scores a page with a correlated subquery that
    runs the full-text match again for each page it scores: for the dozen
    pages of a search for "falls", four fifths of the statement's time. Here
    the same score (the same expression, from the backend's own subquery
    without its correlation) is worked out in one pass over the matches,
    kept (``MATERIALIZED``) and joined. None where the search is not
    SQLite's, or not ordered as that backend orders (then the backend's
    ordering is used as it is).
    """
    score = matched.query.annotations.get("_score")
    if connection.vendor != "sqlite" or tuple(matched.query.order_by) != ("_score", "-pk"):
        return None
    if not isinstance(score, Subquery):
        return None
    inner = score.query.clone()
    outer = [
        child
        for child in inner.where.children
        if isinstance(child, Exact) and isinstance(child.rhs, Col) and child.rhs.alias not in inner.alias_map
    ]
    if len(outer) != 1:  # not the one correlation to the page expected
        return None
    inner.where.children.remove(outer[0])
    inner.clear_limits()
    inner.set_values(["index_entry__object_id", "score"])
    sql, params = inner.get_compiler(connection=connection).as_sql()
    return (
        "scores(page_id, score) AS MATERIALIZED (SELECT CAST(entries.index_entry__object_id AS INTEGER), "  # noqa: S608 - SQL from the ORM
        f"entries.score FROM ({sql}) AS entries)",
        list(params),
    )


class _Column(Expression):
    """A column of the enclosing subquery, by name: ``_ranked_once`` reads each worked-out ``ts_rank`` from one."""

    def __init__(self, name):
        super().__init__(output_field=FloatField())
        self.name = name

    def as_sql(self, compiler, connection):
        return f"ranks.{self.name}", []


def _ranked_once(pages):
    """On PostgreSQL, ``(sql, params, keys)`` giving ``pages`` their backend score, each distinct ``ts_rank`` once.

    Wagtail's backend scores a concept of several phrasings as the mean of
    one ``ts_rank`` per phrasing, over the title and again over the body, and
    PostgreSQL works each call out even when it is the same as another: the
    eight phrasings of "medication" stem to four ``tsquery`` values ("drug" and
    "drugs" are both ``'drug'``), so half of its 16 calls per page repeat one
    already made. Here each distinct call (the same vector, weights and
    ``tsquery`` after stemming, asked of PostgreSQL once per set of phrasings
    and kept: ``_stemmed``) is made once per page in a subquery, and the
    backend's own expression is worked out over its columns: the same
    operations in the same order on the same values, so the scores are the
    same to the last bit, and a phrasing listed twice still counts twice.
    (``OFFSET 0`` keeps the planner from merging the subquery into the query
    around it, which would put a call back wherever its column is read.)
    Columns are in ``keys`` as ``_order_columns`` gives them. None when the
    ordering is not the backend's (score, then newest id first).
    """
    from django.contrib.postgres.search import SearchQueryCombinable, SearchRank

    order = tuple(pages.query.order_by)
    if connection.vendor != "postgresql" or len(order) != 2 or order[1] != "-pk":
        return None
    score = getattr(order[0], "expression", None)
    if score is None or not order[0].descending:
        return None
    ranks, carried = [], []

    def find(node):
        if isinstance(node, SearchRank):
            ranks.append(node)
        elif isinstance(node, F):
            carried.append(node)
        else:
            for child in node.get_source_expressions():
                if child is not None:
                    find(child)

    find(score)
    if not ranks:
        return None
    queries = [
        next(child for child in rank.get_source_expressions() if isinstance(child, SearchQueryCombinable))
        for rank in ranks
    ]
    stems = _stemmed(queries)
    columns, by_node = {}, {}  # column: the rank it works out; id of each rank in ``score``: its column
    for rank, stem in zip(ranks, stems, strict=True):
        alike = (
            stem,
            *(repr(child) for child in rank.get_source_expressions() if not isinstance(child, SearchQueryCombinable)),
        )
        column = columns.setdefault(alike, (f"_r{len(columns)}", rank))[0]
        by_node[id(rank)] = column
    columns = dict(columns.values())
    carried_columns = {id(node): f"_f{number}" for number, node in enumerate(carried)}

    def rewrite(node):
        if id(node) in by_node:
            return _Column(by_node[id(node)])
        if id(node) in carried_columns:
            return _Column(carried_columns[id(node)])
        node = node.copy()
        node.set_source_expressions([None if c is None else rewrite(c) for c in node.get_source_expressions()])
        return node

    outer = rewrite(score)
    inner = pages.order_by().annotate(
        page_id=F("pk"),
        **columns,
        **{carried_columns[id(node)]: node for node in carried},
    )
    inner_sql, inner_params = _compiled(inner.values("page_id", *columns, *carried_columns.values()))
    query = pages.query.__class__(pages.model)
    outer_sql, outer_params = query.get_compiler(connection=connection).compile(outer.resolve_expression(query))
    sql = (
        f"SELECT ranks.page_id AS page_id, {outer_sql} AS _o0, ranks.page_id AS _o1 "  # noqa: S608 - SQL from the ORM
        f"FROM ({inner_sql} OFFSET 0) AS ranks"
    )
    return sql, [*outer_params, *inner_params], [("_o0", True), ("_o1", True)]


_STEMS = {}


def _stemmed(queries):
    """The ``tsquery`` each search query expression stands for, as text, asking PostgreSQL once for the lot.

    Kept for the life of the process: a ``tsquery`` depends only on the words
    and the text search configuration, which does not change while the site runs.
    """
    from portal.core.models import KnowledgePage

    query = KnowledgePage.objects.none().query.__class__(KnowledgePage)
    compiler = query.get_compiler(connection=connection)
    compiled = [compiler.compile(expression.resolve_expression(query)) for expression in queries]
    keys = [(sql, tuple(params)) for sql, params in compiled]
    missing = list(dict.fromkeys(key for key in keys if key not in _STEMS))
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(f'({sql})::text' for sql, _params in missing)}",  # noqa: S608 - SQL from the ORM
                [param for _sql, params in missing for param in params],
            )
            for key, stem in zip(missing, cursor.fetchone(), strict=True):
                if len(_STEMS) > 10_000:
                    _STEMS.clear()
                _STEMS[key] = stem
    return [_STEMS[key] for key in keys]


def _some_page_has(pages, searches):
    """[whether any of ``pages`` matches each backend search], in one query of ``EXISTS`` tests.

    Each test stops at its first page. On PostgreSQL each search's index
    entries are found first (a ``MATERIALIZED`` common table expression, read
    through the GIN index) and only then joined to the pages, until one is
    found that the reader may see: as a plain ``EXISTS`` of the backend's
    search, PostgreSQL planned for one row and walked every page looking for a
    word no page has (2.3 s at 100,000 pages), and as that search in a common
    table expression it joined every match to the pages first (130 against
    55 ms for "medication" and "xylophone" at 100,000 pages). The entries are
    matched exactly as the backend matches them (its own ``tsquery``, the same
    ``title || body`` expression, the same content types).
    """
    ctes, tests = [], []
    for number, search in enumerate(searches):
        if connection.vendor == "postgresql":
            entries_sql, entries_params = _compiled(_matching_entries(search))
            ctes.append((f"e{number} AS MATERIALIZED ({entries_sql})", entries_params))
            # The entries are of knowledge pages only, whose ids are integers.
            in_entries = RawSQL(f"SELECT object_id::integer FROM e{number}", ())  # noqa: S608, S611 - our own name
            tests.append(_compiled(pages.filter(pk__in=in_entries).order_by().values("pk")))
        else:
            search_sql, search_params = _compiled(search.get_queryset().order_by().values("pk"))
            ctes.append((f"s{number} AS ({search_sql})", search_params))
            tests.append((f"SELECT 1 FROM s{number}", ()))  # noqa: S608 - our own name
    sql = (
        f"{_BEFORE_SEARCH.get(connection.vendor, '')}WITH {', '.join(cte for cte, _params in ctes)} "  # noqa: S608 - SQL from the ORM
        f"SELECT {', '.join(f'EXISTS({test})' for test, _params in tests)}"
    )
    params = [param for _cte, cte_params in ctes for param in cte_params]
    params += [param for _test, test_params in tests for param in test_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while cursor.description is None:  # past the settings, to the row
            cursor.nextset()
        return [bool(value) for value in cursor.fetchone()]


def _matching_entries(search):
    """The ``object_id`` of the index entries of knowledge pages that the backend ``search`` matches (PostgreSQL)."""
    from portal.core.models import KnowledgePage

    compiler = search.query_compiler
    tsquery = compiler.build_tsquery(compiler.query, config=compiler.get_config(search.backend))
    return (
        IndexEntry.objects.annotate(_vector_=F("title")._combine(F("body"), "||", False))
        .filter(content_type_id__in=get_descendants_content_types_pks(KnowledgePage), _vector_=tsquery)
        .order_by()
        .values("object_id")
    )


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
        """Every word; else its spelling corrected; else pages with some of the words (``search_corrected``)."""
        from portal.core.models import kept_restricted_paths

        concepts = {}
        shown = {}  # text: the records of the results shown for it
        restrictions = kept_restricted_paths()  # kept until content changes; the same for every step

        def concepts_for(text):
            if text not in concepts:
                concepts[text] = concepts_of(text)
            return concepts[text]

        def run(query):
            results, records = self._search(query, concepts_for(query.text), restrictions=restrictions)
            shown[query.text] = records
            return results

        def correction(query, results):
            if not concepts_for(query.text):
                return None
            tokens = tokenize(query.text)
            if not results.total:
                corrected = spelling.correct(tokens)
                return " ".join(corrected) if corrected else None
            # Every concept matched, so every word is in some page. Only a word that no
            # matching page shows in its title, summary or topics may still be a typo
            # that happens to appear deep in a body text.
            records = shown[query.text]
            if len(records) < results.total:  # a page of one result: read the other too
                _results, records = self._search(
                    replace(query, page=1, per_page=FEW_HITS), concepts_for(query.text), restrictions=restrictions
                )
            words = set()
            for record in records:
                words.update(tokenize(" ".join([record.page.title, record.page.summary, *record.tags.values()])))
            suspects = [token for token in tokens if not words.intersection(variants(token))]
            corrected = spelling.correct(tokens, suspects) if suspects else None
            return " ".join(corrected) if corrected else None

        def some_words(query, results):
            return self._some_words(query, concepts_for(query.text), results, restrictions)

        return search_corrected(query, run, correction, some_words)

    def _some_words(self, query, concepts, results, restrictions=None):
        """Pages with some of the words, most words first, when none has them all (and there are two or more)."""
        if len(concepts) < 2:
            return results
        some, _records = self._search(query, concepts, some_words=True, restrictions=restrictions)
        if not some.total:
            return results
        some.suggestion = results.suggestion
        return some

    def _search(self, query, concepts, some_words=False, restrictions=None):
        """``Results`` and the records of the hits shown. At most six queries, however many pages match.

        The restrictions (unless given: a search of several steps reads
        ``kept_restricted_paths()`` once), the vocabularies (kept until content next
        changes), the facet counts with the total and the ids of one page of
        hits in order (``_counts_and_page``), those pages, and their terms;
        then ``_hits`` reads their indexed text for snippets. Asking for a page
        past the last costs one more.
        """
        from portal.core.models import is_members_only_path, kept_restricted_paths

        restrictions = kept_restricted_paths() if restrictions is None else restrictions
        pages = visible_pages(query.user, restrictions).only(*CARD_FIELDS)
        vocabularies = _vocabularies()
        selected = {facet: set(query.filters.get(facet, ())) for facet in FACETS}
        unmatched, having = (), ()
        if concepts and some_words:
            matched, having, unmatched = self._match_some(pages, concepts)  # None when no page has any word
        elif concepts:
            matched = pages.search(backend_query(concepts)).get_queryset()
        if concepts:
            order = None  # ranked in ``_counts_and_page`` by ``grouping``; ``_ranked`` only past the last page
        elif query.text.strip():
            matched = order = None  # only punctuation, emoji or stop words: nothing to look for
        else:
            matched = order = pages.order_by("-date", "-pk")
        per_page = max(1, query.per_page)
        page_number = max(1, query.page)
        grouping = None
        if query.sort == "newest" and matched is not None:
            order = matched.order_by("-date", "-pk")
        elif concepts:
            grouping = partial(_grouped, concepts=concepts, having=having)
        if matched is None:
            counts, tag_names, total, shown_ids = {}, {}, 0, []
        else:
            start = (page_number - 1) * per_page
            counts, tag_names, total, shown_ids = _counts_and_page(
                matched,
                order,
                selected,
                start,
                per_page,
                searched=bool(concepts),
                grouping=grouping,
                documents=visible_documents(query.user, restrictions),
            )
        missing = selected["tag"] - set(tag_names)
        if missing:  # a chosen topic no matching page has: name it all the same
            tag_names.update(Tag.objects.filter(slug__in=missing).values_list("slug", "name"))

        num_pages = max(1, -(-total // per_page))
        if page_number > num_pages:  # past the last page: show the last one (one more query, only then)
            page_number = num_pages
            start = (page_number - 1) * per_page
            shown_ids = []
            if total:
                order = _ranked(matched, concepts, having) if order is None else order
                shown_ids = list(_filtered(order, selected).values_list("pk", flat=True)[start : start + per_page])
        # The ids come from ``matched``, which holds only pages the reader may find: no need to filter again.
        by_pk = pages.model._base_manager.only(*CARD_FIELDS).in_bulk(shown_ids) if shown_ids else {}
        shown = [by_pk[pk] for pk in shown_ids if pk in by_pk]
        records = self._records(shown)
        for record in records:
            record.members_only = is_members_only_path(record.page.path, restrictions)
        results = Results(
            query=replace(query, page=page_number),
            hits=self._hits(records, search_terms(concepts), vocabularies),
            total=total,
            facets=facet_values(counts, selected, vocabularies, tag_names),
            num_pages=num_pages,
        )
        if some_words:
            results.some_words = True
            results.unmatched = unmatched
        return results, records

    @staticmethod
    def _match_some(pages, concepts):
        """Pages matching any concept; the ids of those matching each concept; the concepts no page has.

        A page's topic tags, care settings and safety domains are in its index
        entry (``search.signals`` indexes it again once they are saved), so
        "sepsis", "GP" or "past harm" find pages tagged with them. Which
        concepts each page has is a subquery per concept (a query has at most
        ``vocabulary.MAX_TOKENS``).

        Which concepts some page has is one query of ``EXISTS`` tests
        (``_some_page_has``), asked before the search for any concept is
        built: counting every match of every concept took 0.3 to 0.7 s at
        100,000 pages on PostgreSQL. When no page has any (a search that found
        nothing at all) no search is built: ``matched`` is None. Otherwise
        only the concepts found are searched for, since the others match no
        page. With one found, every matching page has it, so how many
        concepts a page has adds the same to every page's rank and is left
        out: the search is then as cheap as one for that word alone.
        """
        searches = [pages.search(backend_query([concept])) for concept in concepts]
        exists = _some_page_has(pages, searches)
        unmatched = tuple(concept.text for concept, has in zip(concepts, exists, strict=True) if not has)
        found = [concept for concept, has in zip(concepts, exists, strict=True) if has]
        if not found:
            return None, (), unmatched
        matched = pages.search(Or([backend_query([concept]) for concept in found])).get_queryset()
        having = [
            search.get_queryset().order_by().values("pk") for search, has in zip(searches, exists, strict=True) if has
        ]
        return matched, having if len(having) > 1 else (), unmatched

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
    def _hits(records, terms, vocabularies):
        """Cards for one page of results; snippets from the summary or the indexed text (one query, in SQL)."""
        if not records:
            return []
        texts = {}
        if terms:
            quote = connection.ops.quote_name
            ids = [str(record.page.pk) for record in records]
            types = list(_type_keys())
            column = IndexEntry._meta.get_field(spelling.index_text_field()).column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote('object_id')}, {quote(column)} FROM {quote(IndexEntry._meta.db_table)} "  # noqa: S608 - names from the model, values are parameters
                    f"WHERE {quote('object_id')} IN ({', '.join(['%s'] * len(ids))}) "
                    f"AND {quote('content_type_id')} IN ({', '.join(['%s'] * len(types))})",
                    [*ids, *types],
                )
                texts = {int(object_id): text for object_id, text in cursor.fetchall()}
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
