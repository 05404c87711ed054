"""Elasticsearch's request for pages with some of the words, checked through ``to_dict()`` only.

No cluster is involved and none is claimed: the bodies are the JSON the engine
would send, and the engine-logic test answers with a hand-written
recorded-shape response, as in ``test_es_queries.py``.
"""

import pytest

from search.elasticsearch import queries
from search.results import Query
from tests.search.test_es_queries import MEMBERS_ONLY, RecordedEngine, recorded_response, tags  # noqa: F401

# Building a request reads the spelling dictionary (from the database) when a word may be a compound.
pytestmark = pytest.mark.django_db


def word(text):
    return {
        "constant_score": {
            "filter": {
                "match": {"all_text": {"query": text, "operator": "and", "auto_generate_synonyms_phrase_query": False}}
            },
            "boost": queries.WORD_WEIGHT,
        }
    }


def test_some_words_is_a_bool_should_with_one_word_enough_ranked_by_the_number_of_words():
    body = queries.some_words_request(Query(text="falls prevention"), index="portal-knowledge", members=True).to_dict()
    assert body["query"] == {
        "bool": {
            "must": [{"bool": {"should": [word("falls"), word("prevention")], "minimum_should_match": 1}}],
            "should": [
                {
                    "multi_match": {
                        "query": "falls prevention",
                        "fields": ["title^3", "summary^2", "body"],
                        "type": "best_fields",
                        "tie_breaker": 0.3,
                        "operator": "or",
                        "auto_generate_synonyms_phrase_query": False,
                    }
                }
            ],
        }
    }


def test_known_phrases_stay_one_word_and_quoted_ones_are_phrases():
    body = queries.some_words_request(Query(text='care home "night shift" quality'), members=True).to_dict()
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert should[0] == {
        "constant_score": {"filter": {"match_phrase": {"all_text": "night shift"}}, "boost": queries.WORD_WEIGHT}
    }
    assert should[1:] == [word("care home"), word("quality")]


def test_the_fallback_keeps_facets_filters_highlights_and_the_audience_filter():
    query = Query(text="falls prevention", filters={"setting": ["care-homes"]}, page=2)
    body = queries.some_words_request(query, index="portal-knowledge", members=False).to_dict()
    plain = queries.search_request(query, index="portal-knowledge", members=False).to_dict()
    assert body["query"]["bool"]["must_not"] == [MEMBERS_ONLY]
    assert body["post_filter"] == plain["post_filter"]
    assert body["highlight"] == plain["highlight"]
    assert (body["from"], body["size"]) == (10, 10)
    assert {key: body["aggs"][key] for key in queries.FACET_FIELDS} == {
        key: plain["aggs"][key] for key in queries.FACET_FIELDS
    }
    assert body["aggs"]["words"] == {
        "filters": {"filters": {text: word(text)["constant_score"]["filter"] for text in ("falls", "prevention")}}
    }
    assert "suggest" not in body


def test_engine_logic_with_nothing_found_shows_pages_with_some_of_the_words(tags):  # noqa: F811
    nothing = recorded_response(hits=[], total=0)
    some = recorded_response(total=2)
    some["aggregations"]["words"] = {"buckets": {"falls": {"doc_count": 2}, "prevention": {"doc_count": 0}}}
    engine = RecordedEngine(nothing, some)
    results = engine.search(Query(text="falls prevention"))
    assert "constant_score" in str(engine.requests[1]["query"])
    assert (results.total, results.some_words, results.unmatched) == (2, True, ("prevention",))


@pytest.mark.parametrize("text", ["prevention", "the prevention"])
def test_engine_logic_one_word_that_finds_nothing_stays_nothing(tags, text):  # noqa: F811
    engine = RecordedEngine(recorded_response(hits=[], total=0))
    results = engine.search(Query(text=text))
    assert results.total == 0 and not results.some_words and len(engine.requests) == 1
