"""What both search engines do alike: label facet counts, and retry a misspelt search.

The database engine (``search.engines.database``) and the Elasticsearch engine
(``search.elasticsearch.engine``) count facets and find corrections in their own
ways, but readers must see the same thing from either: the same facet values in
the same order, and the same steps when a search finds little or nothing. Both
engines use this module; it uses neither, nor ``search.service``'s choice of
engine.
"""

from __future__ import annotations

from dataclasses import replace

from search.results import CONTENT_TYPES, FACETS, FacetValue

# With this many results or fewer, a likely misspelling is offered as "Did you mean ...?".
FEW_HITS = 2
# The topic facet lists this many of the most used tags (plus any chosen).
MAX_TAG_FACETS = 15


def facet_values(counts, selected, vocabularies, tag_names):
    """``{facet: [FacetValue]}`` from ``counts`` (``{facet: {key: count}}``), as the search page lists them.

    Care settings and safety domains in their vocabulary's order
    (``vocabularies``: ``{"setting": [(slug, name)], "domain": [...]}``), types
    in the service's order, the ``MAX_TAG_FACETS`` most used topics (most used
    first, then by name; ``tag_names``: ``{slug: name}``), years newest first.
    A value is listed when it has results or is chosen, so a chosen filter can
    always be removed.
    """
    counts = {facet: counts.get(facet, {}) for facet in FACETS}
    chosen = {facet: set(selected.get(facet, ())) for facet in FACETS}
    top_tags = sorted(counts["tag"], key=lambda slug: (-counts["tag"][slug], tag_names.get(slug, slug)))
    top_tags = top_tags[:MAX_TAG_FACETS]
    shown_tags = top_tags + sorted(chosen["tag"] - set(top_tags))
    labelled = {
        "setting": vocabularies["setting"],
        "domain": vocabularies["domain"],
        "type": list(CONTENT_TYPES.items()),
        "tag": [(slug, tag_names[slug]) for slug in shown_tags if slug in tag_names],
        "year": [(year, year) for year in sorted(set(counts["year"]) | chosen["year"], reverse=True)],
    }
    return {
        facet: [
            FacetValue(key=key, label=label, count=counts[facet].get(key, 0), selected=key in chosen[facet])
            for key, label in labelled[facet]
            if counts[facet].get(key) or key in chosen[facet]
        ]
        for facet in FACETS
    }


def search_corrected(query, search, correction, some_words):
    """Every word; else its spelling corrected; else pages with some of the words.

    ``search(query)`` gives the engine's ``Results``; ``correction(query,
    results)`` the corrected text, or None; ``some_words(query, results)`` the
    pages with some of the words when none has them all (or ``results``).

    With more than ``FEW_HITS`` results nothing is suggested. With a few, the
    correction is offered as "Did you mean ...?". With none, the correction is
    searched instead (unless the reader asked for exactly what they typed, when
    it is only offered) and ``corrected_from`` says so; a correction that finds
    nothing either is not offered. The order is deliberate: a misspelt word is
    more likely than a word no page uses, so only when neither finds a page are
    pages with some of the words shown, still offering the correction.
    """
    results = search(query)
    if results.total > FEW_HITS:
        return replace(results, suggestion=None)
    corrected = correction(query, results)
    if results.total:
        return replace(results, suggestion=corrected)
    if corrected:
        retry = search(replace(query, text=corrected))
        if retry.total and query.autocorrect:
            return replace(retry, suggestion=None, corrected_from=query.text)
        results = replace(results, suggestion=corrected if retry.total else None)
    return some_words(query, results)
