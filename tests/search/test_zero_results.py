"""The zero-result rate: how many realistic searches find nothing at all on the demo content.

The searches are in ``realistic_queries.txt``: single words, phrases of two
to five words, synonyms, typos and compounds. A search counts as finding
nothing when the page would say "Nothing matched": no results for the words,
for their spelling correction or for some of the words.
"""

from pathlib import Path

import pytest

from search import service
from tests.search.test_gold_set import _fresh_term_dictionary, demo_site  # noqa: F401

pytestmark = pytest.mark.django_db

QUERIES_FILE = Path(__file__).with_name("realistic_queries.txt")
MAX_ZERO_RESULT_RATE = 0.05


def realistic_queries():
    """[(what is typed, what kind of search it is)] from the data file."""
    rows = []
    for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, kind = (part.strip() for part in line.split("|"))
            rows.append((text, kind))
    return rows


def zero_result_searches():
    return [(text, kind) for text, kind in realistic_queries() if not service.query(text).total]


def test_the_query_set_is_big_and_varied():
    rows = realistic_queries()
    assert len(rows) >= 40
    kinds = " ".join(kind for _text, kind in rows)
    for kind in ("single word", "two words", "three words", "synonym", "typo", "compound"):
        assert kind in kinds, kind


def test_fewer_than_one_search_in_twenty_finds_nothing_on_the_demo(demo_site):  # noqa: F811
    nothing = zero_result_searches()
    rate = len(nothing) / len(realistic_queries())
    print(f"zero-result rate: {len(nothing)} of {len(realistic_queries())} ({rate:.1%}); found nothing: {nothing}")
    assert rate < MAX_ZERO_RESULT_RATE, f"{rate:.0%} found nothing: {nothing}"
