"""Write what 144 searches return (ids, totals, facet counts, snippets, ...) as JSON, to compare code before and after.

    DJANGO_SETTINGS_MODULE=portal.settings.test ELASTICSEARCH_URL= \
    DATABASE_URL=postgres://.../portal_bench_100000 .venv/bin/python -m bench.search_snapshot before.json
    ... after.json && cmp before.json after.json

24 searches (the benchmark's five with and without their filters, the some-words
fallback with and without filters, words no page has, a quoted phrase, a
compound word and its spaced form, stop words only, synonyms, a misspelling, a
year filter), each at pages 1, 2, 7 and 40 by relevance and 1 and 40 by date.
Run against a benchmark database (``bench.search`` builds them). Not part of
the test suite.
"""

import json
import sys

QUERIES = [
    ("falls", {}),
    ("medication", {}),
    ("handover", {}),
    ("pressure ulcers", {}),
    ("hydration", {}),
    ("falls", {"setting": ["care-homes"]}),
    ("medication", {"setting": ["care-homes"], "domain": ["past-harm"]}),
    ("handover", {"type": ["learning-note"]}),
    ("pressure ulcers", {"domain": ["reliability"]}),
    ("hydration", {"setting": ["care-homes"], "type": ["case-study"]}),
    ("falls quality", {}),
    ("falls quality", {"setting": ["care-homes"]}),
    ("medication xylophone", {}),
    ("medication xylophone quality", {}),
    ('"pressure ulcers"', {}),
    ("bed rails", {}),
    ("bedrails", {}),
    ("the and of", {}),
    ("medicine errors", {}),
    ("sepsis", {}),
    ("falls medication", {}),
    ("medicaton", {}),
    ("falls", {"year": ["2024"]}),
    ("drugs", {"domain": ["past-harm"]}),
]


def snapshot():
    from search import service

    out = []
    for text, filters in QUERIES:
        for sort in ("relevance", "newest"):
            for page in (1, 2, 7, 40) if sort == "relevance" else (1, 40):
                results = service.query(text, filters, sort=sort, page=page)
                out.append(
                    {
                        "q": [text, filters, sort, page],
                        "total": results.total,
                        "page": results.query.page,
                        "num_pages": results.num_pages,
                        "ids": [hit.page_id for hit in results.hits],
                        "snippets": [hit.snippet for hit in results.hits],
                        "facets": repr(results.facets),
                        "suggestion": repr(getattr(results, "suggestion", None)),
                        "some_words": getattr(results, "some_words", None),
                        "unmatched": repr(getattr(results, "unmatched", None)),
                        "members": [hit.members_only for hit in results.hits],
                    }
                )
    return out


if __name__ == "__main__":
    import django

    django.setup()
    results = snapshot()
    with open(sys.argv[1], "w") as output:
        json.dump(results, output, indent=1)
    print(len(results), "searches")
