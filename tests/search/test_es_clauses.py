"""The longest search the form allows stays under Elasticsearch 8's clause limit.

Elasticsearch 8 counts the leaf queries of the rewritten query and refuses
more than a limit it derives from heap and search threads, never less than
1,024. The leaves are counted here from the request body as built, with
each word of a ``match`` analysed as the search analyser would at most
(``queries.leaf_clauses``: a word, or every word of a synonym rule that
starts there). Not run against a cluster: a count, not a measurement.
"""

import pytest

from search.elasticsearch import queries
from search.forms import MAX_QUERY_LENGTH, clean_text
from search.results import Query
from search.vocabulary import SYNONYMS

# Building a request reads the spelling dictionary (from the database) when a word may be a compound.
pytestmark = pytest.mark.django_db


def leaves(node):
    """Leaf queries in a query body, words expanded as the search analyser would at most."""
    if isinstance(node, list):
        return sum(leaves(item) for item in node)
    if not isinstance(node, dict):
        return 0
    total = 0
    for key, value in node.items():
        if key == "match":
            (options,) = value.values()
            total += queries.leaf_clauses(options["query"])
        elif key == "multi_match":
            total += queries.leaf_clauses(value["query"]) * len(value["fields"])
        elif key in ("term", "terms", "match_all"):
            total += 1
        else:
            total += leaves(value)
    return total


def request_leaves(typed, members=False):
    text = clean_text(typed)  # what the search form keeps: printable, at most MAX_QUERY_LENGTH characters
    assert len(text) <= MAX_QUERY_LENGTH
    body = queries.search_request(
        Query(text=text, filters={"setting": ["care-homes"], "type": ["update"]}), members=members
    ).to_dict()
    return leaves(body["query"]) + leaves(body.get("post_filter", {}))


def longest(word):
    return " ".join([word] * 200)  # cut to 200 characters by the form


WORST = [
    longest("gp"),  # 17 words of synonyms for each of 66 "gp"s
    longest("uti"),
    longest("bedsore"),
    " ".join(term for group in SYNONYMS for term in group),  # every synonym once, as far as 200 characters go
    " ".join(chr(ord("a") + n % 26) + chr(ord("a") + n // 26) for n in range(100)),  # 66 distinct two-letter words
    "falls medication pressure ulcers " * 10,
]


@pytest.mark.parametrize("typed", WORST, ids=["gp", "uti", "bedsore", "every-synonym", "distinct-words", "mixed"])
def test_a_200_character_search_stays_under_the_clause_limit(typed):
    assert request_leaves(typed) < queries.CLAUSE_LIMIT
    assert request_leaves(typed, members=True) < queries.CLAUSE_LIMIT


def test_an_ordinary_long_search_keeps_every_word_and_its_ranking():
    typed = "falls at night in care homes with residents who have dementia and are new to the home"
    body = queries.search_request(Query(text=typed), members=True).to_dict()
    assert body["query"]["bool"]["must"][0]["match"]["all_text"]["query"] == typed
    assert body["query"]["bool"]["should"][0]["multi_match"]["query"] == typed


def test_repeated_words_are_sent_once_when_the_whole_search_would_not_fit():
    body = queries.search_request(Query(text=clean_text(longest("gp"))), members=True).to_dict()
    assert body["query"]["bool"]["must"][0]["match"]["all_text"]["query"] == "gp"


def test_repeated_words_are_dropped_keeping_the_order_typed():
    typed = "general practice " + "gp " * 60 + "general practice"
    text, _ranked = queries.fit_clause_limit(typed)
    assert text == "general practice gp"
