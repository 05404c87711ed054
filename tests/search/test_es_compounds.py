"""Compound words on Elasticsearch: "bedrails" and "bed rails" find each other, as on the database engine.

Checked through the request bodies (``to_dict()``) the engine would send; no
cluster is involved and none is claimed. ``test_es_live.py`` searches a real
cluster for them when ``ELASTICSEARCH_URL`` is set.
"""

import pytest
from django.core.cache import cache

from learning.factories import LearningNotePageFactory
from search.elasticsearch import queries
from search.results import Query

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


def phrases(clause):
    """The phrases a compound's clause accepts, any one enough."""
    assert clause["bool"]["minimum_should_match"] == 1
    return [should["match_phrase"]["all_text"] for should in clause["bool"]["should"]]


def every_word(body):
    """The query's clauses that every page found must match."""
    return body["query"]["bool"]["must"][0]


@pytest.fixture
def bed_rail_pages(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Checking bedrails daily", summary="One page.")
    LearningNotePageFactory(parent=learning_index, title="Why bed rails matter", summary="Another page.")


def test_a_compound_is_also_looked_for_spaced_and_the_spaced_form_joined(bed_rail_pages):
    joined = every_word(queries.search_request(Query(text="bedrails"), members=True).to_dict())
    (clause,) = joined["bool"]["must"]
    assert "bedrails" in phrases(clause) and "bed rails" in phrases(clause)

    spaced = every_word(queries.search_request(Query(text="bed rails"), members=True).to_dict())
    (clause,) = spaced["bool"]["must"]
    assert "bed rails" in phrases(clause) and "bedrails" in phrases(clause)


def test_other_words_beside_a_compound_must_still_all_be_there(bed_rail_pages):
    body = every_word(queries.search_request(Query(text="bedrails checking"), members=True).to_dict())
    compound, other = body["bool"]["must"]
    assert "bed rails" in phrases(compound)
    assert other == {
        "match": {"all_text": {"query": "checking", "operator": "and", "auto_generate_synonyms_phrase_query": False}}
    }


def test_no_compound_is_made_up_from_words_no_page_has(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Night checks.")
    body = queries.search_request(Query(text="bedrails"), members=True).to_dict()
    assert every_word(body) == {
        "match": {"all_text": {"query": "bedrails", "operator": "and", "auto_generate_synonyms_phrase_query": False}}
    }


def test_pages_with_some_of_the_words_count_a_compound_in_either_form(bed_rail_pages):
    body = queries.some_words_request(Query(text="bedrails xylophone"), members=True).to_dict()
    counted = body["aggs"][queries.SOME_WORDS_NAME]["filters"]["filters"]
    assert set(counted) == {"bedrails", "xylophone"}
    assert "bed rails" in phrases(counted["bedrails"])
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert "bed rails" in phrases(should[0]["constant_score"]["filter"])
