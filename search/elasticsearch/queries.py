"""Request bodies for the knowledge index, built as ``elasticsearch.dsl.Search`` objects.

Pure functions: nothing here talks to a cluster, so every body can be checked
with ``Search.to_dict()`` in the tests.

There is deliberately no "live" filter: only live pages that are public or
member-only are ever indexed (``indexing.indexable_pages``), and unpublishing,
restricting, moving or deleting a page removes or rewrites its document through
the outbox. Every request for a reader who is not a member leaves out
member-only documents (``for_audience``), in the query itself so that facet
counts and suggestions leave them out too.
"""

import re
from functools import lru_cache

from elasticsearch.dsl import Q, Search

from search.vocabulary import SYNONYMS, Concept, parse, with_compounds

from .documents import index_alias, synonym_rules

# The service's filter keys, and the document field each one filters and counts.
FACET_FIELDS = {
    "setting": "settings.slug",
    "domain": "domains.slug",
    "type": "content_type",
    "tag": "tags.slug",
    "year": "year",
}
# More buckets than there are terms in the small vocabularies; enough tags to pick the commonest from.
FACET_SIZES = {"setting": 20, "domain": 20, "type": 10, "tag": 100, "year": 30}
FACET_ORDER = {"year": {"_key": "desc"}}

# Words may match in any field (``all_text``); these fields decide the ranking.
RANKING_FIELDS = ["title^3", "summary^2", "body"]
# Highlighting analyses at most this many characters of a field and leaves the rest unmarked. Without it a
# matching page whose body is longer than index.highlight.max_analyzed_offset (1,000,000) makes the search a 400.
MAX_ANALYZED_OFFSET = 100_000
HIGHLIGHT_OPTIONS = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "max_analyzed_offset": MAX_ANALYZED_OFFSET,
}
RESULT_SOURCE = ["page_id", "title", "summary", "content_type", "url", "date", "settings", "domains", "members_only"]
# Elasticsearch refuses from + size beyond index.max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000
SUGGESTION_NAME = "did_you_mean"
# Elasticsearch 8 refuses a query whose rewritten form has more leaf clauses than a limit it sets from
# the heap and the search threads, never below 1,024 (indices.query.bool.max_clause_count no longer
# applies). Synonyms multiply clauses: "gp" alone brings 17 words, so 66 of them in a 200-character
# query came to about 4,500. The words' share is kept under this, leaving room for the filters.
# https://www.elastic.co/guide/en/elasticsearch/reference/8.19/search-settings.html
CLAUSE_LIMIT = 1024
CLAUSE_BUDGET = 1000
WORD = re.compile(r"\w+")
# In a search for some of the words, each word a page has outweighs any difference in relevance.
WORD_WEIGHT = 1000
SOME_WORDS_NAME = "words"


@lru_cache(maxsize=1)
def _synonym_terms():
    """[(term as a tuple of words, how many words its whole rule expands to)] from the synonym rules."""
    terms = []
    for rule in synonym_rules(SYNONYMS):
        alternatives = [tuple(term.split()) for term in rule.split(", ")]
        words = sum(len(alternative) for alternative in alternatives)
        terms += [(alternative, words) for alternative in alternatives]
    return terms


def leaf_clauses(text):
    """At most how many term queries one field's ``match`` on ``text`` becomes once analysed.

    Each word is one, unless a synonym rule starts there: then every word of
    every alternative in that rule. An upper bound (stop words are counted,
    overlapping rules added), so a text within the budget is within the limit.
    """
    tokens = WORD.findall((text or "").lower())
    total = 0
    for position in range(len(tokens)):
        expansions = [
            words for term, words in _synonym_terms() if tuple(tokens[position : position + len(term)]) == term
        ]
        total += sum(expansions) if expansions else 1
    return total


def fit_clause_limit(text):
    """``(text, ranked)``: the words to send and whether the ranking clauses fit too.

    Nearly every search fits whole. One that does not (a long run of words
    with many synonyms) loses repeated words, then its ranking clauses (it is
    still ordered by its match on all the text), then words from the end.
    """
    if leaf_clauses(text) * (1 + len(RANKING_FIELDS)) <= CLAUSE_BUDGET:
        return text, True
    first_seen = {}
    for word in text.split():
        first_seen.setdefault(word.lower(), word)  # in the order typed, so phrases stay together
    words = list(first_seen.values())
    text = " ".join(words)
    if leaf_clauses(text) * (1 + len(RANKING_FIELDS)) <= CLAUSE_BUDGET:
        return text, True
    kept = []
    for word in words:
        if leaf_clauses(" ".join([*kept, word])) > CLAUSE_BUDGET:
            break
        kept.append(word)
    return " ".join(kept), False


def for_audience(query, members):
    """``query`` as it is for members; for anyone else, wrapped so that it leaves member-only pages out.

    ``must_not`` rather than a filter on ``false``: a document written before
    the index had ``members_only`` (when it held public pages only) counts
    as public, so an index not yet rebuilt keeps answering.
    """
    if members:
        return query
    return Q("bool", must=[query], must_not=[Q("term", members_only=True)])


def text_query(text):
    """Every word (or a synonym) somewhere; ranked by title, summary, body.

    Exact words only, no ``fuzziness``: fuzzy matching on every word made
    "care" find "core", "cure" and "case" and "patient" find "parent", so
    totals and facet counts drifted far from the database engine's. Spelling
    is corrected as the database engine corrects it, only when the exact
    search finds little: the phrase suggester (``add_suggestion``), which
    works on unstemmed words, offers "Did you mean ...?" with one or two
    results and is searched instead when there are none (``engine.search``).
    Multi-word synonyms are matched as words, not phrases
    (``auto_generate_synonyms_phrase_query: false``), because the stop filter
    after the synonym filter leaves gaps that phrase matching would trip over
    (https://github.com/elastic/elasticsearch/issues/28838).
    """
    if not text:
        return Q("match_all")
    text, ranked = fit_clause_limit(text)
    concepts = with_known_compounds(parse(text))
    if any(isinstance(concept, CompoundConcept) for concept in concepts):
        # "bedrails" or "bed rails": each concept on its own, a compound in any of its forms.
        every_word = Q("bool", must=[word_clause(concept) for concept in concepts])
    else:
        every_word = Q(
            "match", all_text={"query": text, "operator": "and", "auto_generate_synonyms_phrase_query": False}
        )
    if not ranked:
        return Q("bool", must=[every_word])
    return Q(
        "bool",
        must=[every_word],
        should=[
            Q(
                "multi_match",
                query=text,
                fields=RANKING_FIELDS,
                type="best_fields",
                tie_breaker=0.3,
                auto_generate_synonyms_phrase_query=False,
            )
        ],
    )


def selected_filters(filters):
    """The query's filters we know, without empty values, in a fixed order."""
    filters = filters or {}
    return {key: list(filters[key]) for key in FACET_FIELDS if filters.get(key)}


def filter_clauses(selected, *, without=None):
    return [Q("terms", **{FACET_FIELDS[key]: values}) for key, values in selected.items() if key != without]


def add_facets(search, selected):
    """Counts per facet value, each facet counted under every *other* selected filter.

    The filters go in ``post_filter`` so that they narrow the hits but not the
    aggregations; each facet's aggregation then applies the other facets'
    filters itself. Choosing "Care homes" thus still shows how many results
    every other setting would give, while the domain counts shrink to care homes.
    https://www.elastic.co/guide/en/elasticsearch/reference/8.19/filter-search-results.html#post-filter
    """
    if selected:
        search = search.post_filter(Q("bool", filter=filter_clauses(selected)))
    for key, field in FACET_FIELDS.items():
        others = filter_clauses(selected, without=key)
        terms = {"field": field, "size": FACET_SIZES[key]}
        if key in FACET_ORDER:
            terms["order"] = FACET_ORDER[key]
        search.aggs.bucket(key, "filter", filter=Q("bool", filter=others) if others else Q("match_all")).bucket(
            "values", "terms", **terms
        )
    return search


def add_highlight(search):
    """Marked fragments of the summary (whole) and body (two short passages).

    ``encoder: html`` makes Elasticsearch escape the text around the ``<mark>``
    tags, so the fragments are safe to show as they are.
    """
    return (
        search.highlight_options(**HIGHLIGHT_OPTIONS)
        .highlight("summary", number_of_fragments=0)
        .highlight("body", fragment_size=160, number_of_fragments=2)
    )


def add_suggestion(search, text, members=False):
    """A "did you mean" from the phrase suggester over unstemmed words and shingles.

    The suggester draws its words from every document, whatever the query's
    filters, so member-only pages' words are among them. ``collate`` keeps
    only corrections that would themselves find a page this reader may see:
    for anyone but a member its query leaves member-only pages out
    (``for_audience``), so no word found only on them is ever offered.
    https://www.elastic.co/guide/en/elasticsearch/reference/8.19/search-suggesters.html#phrase-suggester
    """
    finds_something = for_audience(Q("match", all_text={"query": "{{suggestion}}", "operator": "and"}), members)
    return search.suggest(
        SUGGESTION_NAME,
        text,
        phrase={
            "field": "spelling",
            "size": 1,
            "gram_size": 3,
            "max_errors": 2,
            "direct_generator": [{"field": "spelling", "suggest_mode": "always", "min_word_length": 3}],
            "collate": {
                "query": {"source": finds_something.to_dict()},
                "prune": False,
            },
        },
    )


def sort_order(sort, text):
    if sort == "newest" or not text:
        return [{"date": {"order": "desc"}}, {"page_id": {"order": "desc"}}]
    return ["_score", {"date": {"order": "desc"}}]


def max_pages(per_page):
    """How many whole pages fit in the result window: results past them cannot be fetched."""
    per_page = max(1, int(per_page))
    return max(1, MAX_RESULT_WINDOW // per_page)


def page_window(page, per_page):
    """``(from, size)`` for a 1-based page, no further than the last page inside the result window."""
    per_page = max(1, int(per_page))
    page = min(max(1, int(page)), max_pages(per_page))
    return (page - 1) * per_page, per_page


def search_request(query, *, index=None, members=False):
    """The search page's request: hits, facet counts, highlights and a spelling suggestion.

    ``members``: whether the reader is a member, who also finds member-only pages.
    """
    text = (query.text or "").strip()
    selected = selected_filters(query.filters)
    start, size = page_window(query.page, query.per_page)
    search = (
        Search(index=index or index_alias())
        .query(for_audience(text_query(text), members))
        .sort(*sort_order(query.sort, text))
        .source(RESULT_SOURCE)
        .extra(track_total_hits=True)
    )[start : start + size]
    search = add_facets(search, selected)
    if text:
        search = add_highlight(search)
        search = add_suggestion(search, text, members)
    return search


class CompoundConcept(Concept):
    """A compound word or its spaced form ("bedrails", "bed rails"), found as any of its ``alternatives``."""


# Which words may be compounds: a long one, or two side by side (as the database engine decides).
COMPOUND_MIN_LENGTH = 6


def with_known_compounds(concepts):
    """``concepts`` with compound words and their spaced forms finding each other.

    The rule is the database engine's (``vocabulary.with_compounds``): a word
    that splits into two words some indexed page has is also looked for as
    that phrase, and two words side by side whose join some page has are
    looked for as either. The known words come from the spelling dictionary,
    built from the database whichever engine answers. Elasticsearch's analyser
    cannot do this: its decompounders need a word list, and would split
    "handover" as readily as "bedrails". Concepts that changed come back as
    ``CompoundConcept``; a search without a candidate never reads the dictionary.
    """
    words = [concept.text for concept in concepts if not concept.exact and " " not in concept.text]
    if len(words) < 2 and not any(len(word) >= COMPOUND_MIN_LENGTH for word in words):
        return concepts
    from search.engines import spelling  # the dictionary's cache and database query; not needed to build most requests

    before = set(concepts)
    return [
        concept if concept in before else CompoundConcept(concept.text, concept.alternatives, concept.exact)
        for concept in with_compounds(concepts, spelling.get_dictionary().is_known)
    ]


def word_clause(concept):
    """One word (with its synonyms, as the analyser expands them) or a quoted phrase, anywhere in the page.

    A compound is any one of its written forms, each as a phrase ("bed rails"
    is those two words side by side, not anywhere in the page).
    """
    if isinstance(concept, CompoundConcept):
        forms = list(dict.fromkeys(" ".join(words) for words in concept.alternatives))
        return Q("bool", should=[Q("match_phrase", all_text=form) for form in forms], minimum_should_match=1)
    if concept.exact:
        return Q("match_phrase", all_text=concept.text)
    return Q("match", all_text={"query": concept.text, "operator": "and", "auto_generate_synonyms_phrase_query": False})


def query_words(text):
    """The words (and known phrases: "care home") of a search, as the database engine splits them."""
    text, _ranked = fit_clause_limit((text or "").strip())
    return with_known_compounds(parse(text))


def some_words_query(concepts):
    """Pages with at least one of the words, ranked by how many they have, then by title, summary and body.

    Each word is a ``constant_score`` clause worth ``WORD_WEIGHT``, so the
    words' part of the score is that weight times the number of words a page
    has, and the relevance clause only orders pages with as many words.
    """
    words = Q(
        "bool",
        should=[Q("constant_score", filter=word_clause(concept), boost=WORD_WEIGHT) for concept in concepts],
        minimum_should_match=1,
    )
    ranking = Q(
        "multi_match",
        query=" ".join(concept.text for concept in concepts),
        fields=RANKING_FIELDS,
        type="best_fields",
        tie_breaker=0.3,
        operator="or",
        auto_generate_synonyms_phrase_query=False,
    )
    return Q("bool", must=[words], should=[ranking])


def some_words_request(query, *, index=None, members=False):
    """The search page's request when no page has every word: pages with some of them, most words first.

    Facets, filters, highlighting and the audience filter are as in
    ``search_request``. A ``filters`` aggregation (``SOME_WORDS_NAME``) counts
    the pages with each word, so the page can name the words no page has; it
    runs under the query, so for anyone but a member it counts public pages only.
    """
    concepts = query_words(query.text)
    selected = selected_filters(query.filters)
    start, size = page_window(query.page, query.per_page)
    search = (
        Search(index=index or index_alias())
        .query(for_audience(some_words_query(concepts), members))
        .sort(*sort_order(query.sort, query.text))
        .source(RESULT_SOURCE)
        .extra(track_total_hits=True)
    )[start : start + size]
    search = add_facets(search, selected)
    search.aggs.bucket(SOME_WORDS_NAME, "filters", filters={concept.text: word_clause(concept) for concept in concepts})
    return add_highlight(search)


def autocomplete_request(prefix, limit=8, *, index=None, members=False):
    """Titles with every word typed, the last one as the start of a word.

    ``bool_prefix`` over the ``search_as_you_type`` sub-fields treats the last
    word as a prefix and the others as whole words, in any order. Its words
    are OR'd unless told otherwise; ``operator: and`` makes suggestions narrow
    as the reader types, as the database engine's do ("insulin pa" suggests
    "Insulin passports", not every title with a word starting "pa").
    https://www.elastic.co/guide/en/elasticsearch/reference/8.19/query-dsl-multi-match-query.html#type-bool-prefix
    """
    words = Q(
        "multi_match",
        query=prefix,
        type="bool_prefix",
        operator="and",
        fields=["title.suggest", "title.suggest._2gram", "title.suggest._3gram"],
    )
    search = Search(index=index or index_alias()).query(for_audience(words, members))
    return search.source(["title", "url", "content_type"])[:limit]


def related_request(page_id, limit=4, *, index=None, members=False):
    """Pages whose title, summary and body share the most distinctive words with this one.

    The page itself is left out (``include`` is false by default). Terms must
    appear in at least two pages to count, so one-off names do not dominate.
    https://www.elastic.co/guide/en/elasticsearch/reference/8.19/query-dsl-mlt-query.html
    """
    index = index or index_alias()
    like_this = Q(
        "more_like_this",
        fields=["title", "summary", "body"],
        like=[{"_index": index, "_id": str(page_id)}],
        min_term_freq=1,
        min_doc_freq=2,
        max_query_terms=25,
    )
    return Search(index=index).query(for_audience(like_this, members)).source(RESULT_SOURCE)[:limit]
