"""Spelling suggestions: which words a searcher's typing is corrected to, and which never."""

import pytest
from django.core.cache import cache
from django.db import connection

from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from search.engines import spelling

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


def test_similarity_is_pg_trgm_similarity():
    assert spelling.similarity("fals", "falls") == pytest.approx(4 / 7)
    assert spelling.similarity("nigth", "night") == pytest.approx(3 / 9)
    assert spelling.similarity("word", "word") == 1


def test_a_swap_of_two_letters_is_one_edit():
    assert spelling.edit_distance("nigth", "night") == 1
    assert spelling.edit_distance("medcines", "medicines") == 1
    assert spelling.edit_distance("falls", "fall") == 1
    assert spelling.edit_distance("kitten", "sitting") == 3


def test_unknown_words_are_corrected_from_titles_summaries_and_tags(learning_index):
    LearningNotePageFactory(
        parent=learning_index, title="Falls at night", summary="Hydration rounds.", tags=["dementia"]
    )
    assert spelling.correct(["fals", "at", "nigth"]) == ["falls", "at", "night"]
    assert spelling.correct(["dementa", "hydation"]) == ["dementia", "hydration"]
    assert spelling.correct(["falls", "night"]) is None
    assert spelling.correct(["xyzzy"]) is None


def test_a_word_only_in_a_page_body_is_not_corrected(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls", what_happened="The corridor was dim.")
    assert spelling.correct(["corridor"]) is None


def test_words_of_drafts_are_never_suggested(learning_index):
    draft = LearningNotePageFactory(parent=learning_index, title="Confidential restraint review")
    draft.unpublish()
    LearningNotePageFactory(parent=learning_index, title="Falls")
    assert spelling.correct(["restrant"]) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension")
def test_postgresql_ranks_candidates_with_pg_trgm():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
    words = ["fals", "nigth", "medcines"]
    candidates = ["falls", "fall", "night", "medicines", "nights", "north"]
    in_postgres = spelling._similar_in_postgres(words, candidates)
    in_python = spelling._similar_in_python(words, candidates)
    assert {(a, b) for a, b, _score in in_postgres} == {(a, b) for a, b, _score in in_python}
    for a, b, score in in_postgres:
        assert score == pytest.approx(spelling.similarity(a, b), abs=1e-6)


def test_words_of_member_only_pages_are_never_suggested(learning_index):
    restrict_to_members(LearningNotePageFactory(parent=learning_index, title="Restraint review"))
    LearningNotePageFactory(parent=learning_index, title="Falls")

    assert spelling.correct(["restrant"]) is None
    assert spelling.correct(["fals"]) == ["falls"]


def test_short_words_are_corrected_by_one_edit_and_longer_words_by_two(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls and dementia")

    assert spelling.correct(["falkk"]) is None  # two edits from "falls"
    assert spelling.correct(["demensha"]) == ["dementia"]  # two edits, eight letters


def test_only_the_suspect_words_are_corrected(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night")

    assert spelling.correct(["fals", "nigth"], suspects=["nigth"]) == ["fals", "night"]


def test_stop_words_numbers_and_short_words_are_left_alone(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night in 2024")

    assert spelling.correct(["at", "of", "2023", "ni"]) is None


def test_a_page_published_after_the_dictionary_was_built_is_suggested_by_the_next_search(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls")
    assert spelling.correct(["tracheostmy"]) is None
    kept = spelling.get_dictionary()
    assert spelling.get_dictionary() is kept  # kept between searches while nothing changes

    LearningNotePageFactory(parent=learning_index, title="Tracheostomy care").save_revision().publish()

    assert spelling.correct(["tracheostmy"]) == ["tracheostomy"]


def test_the_trigram_index_scores_exactly_as_comparing_every_candidate():
    candidates = {"falls": 3, "fall": 1, "night": 2, "medicines": 1, "nights": 1, "north": 1, "hydration": 2}
    index = spelling.TermDictionary(candidates=candidates, known=frozenset()).trigram_index
    words = ["fals", "nigth", "medcines", "hydrtion", "xylophone"]

    assert sorted(spelling._similar_in_python(words, candidates, index)) == sorted(
        spelling._similar_in_python(words, candidates)
    )


def test_a_word_in_the_bodies_of_two_public_pages_is_suggested_when_nothing_closer_is(learning_index):
    """A phone review: "insulin erors" found nothing and suggested nothing; "errors" was only ever in bodies."""
    for title in ("Insulin at teatime", "Night medicines round"):
        LearningNotePageFactory(parent=learning_index, title=title, what_happened="Two errors were caught early.")
    assert spelling.correct(["insulin", "erors"]) == ["insulin", "errors"]


def test_a_word_in_one_page_body_or_only_in_member_only_pages_is_never_suggested(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls", what_happened="The hoist was serviced.")
    private = LearningNotePageFactory(parent=learning_index, title="Restraint", what_happened="The hoist jammed.")
    restrict_to_members(private)
    assert spelling.correct(["hoits"]) is None  # one public page has it; the other is for members only


def test_a_title_word_is_preferred_to_a_closer_body_word(learning_index):
    """Body words are a fallback: "summery" is corrected to the title's "summary", not the bodies' "summer"."""
    for title in ("Discharge summary checks", "Heat in the lounge"):
        LearningNotePageFactory(parent=learning_index, title=title, what_happened="It was a hot summer.")
    assert spelling.correct(["summery"]) == ["summary"]


def test_a_two_word_topic_is_suggested_joined_up(learning_index):
    """Search finds "bedrails" and "bed rails" alike; "bedrials" now becomes "bedrails"."""
    LearningNotePageFactory(parent=learning_index, title="A second look", tags=["bed rails"])
    assert spelling.correct(["bedrials"]) == ["bedrails"]
