"""No dead ends: pages with some of the words when none has them all, and compound words found either way."""

import pytest
from django.core.cache import cache

from learning.factories import LearningNotePageFactory
from search import service, vocabulary
from search.engines.database import DatabaseEngine, concepts_of, visible_pages
from search.models import ZeroResultSearch
from search.results import Query
from tests.helpers import card_titles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


@pytest.fixture
def falls_pages(learning_index):
    LearningNotePageFactory(
        parent=learning_index,
        title="Night-time falls and quality checks",
        summary="Falls at night and how we checked quality.",
        settings=["care-homes"],
        safety_domains=["past-harm"],
        tags=["falls"],
        date="2024-05-01",
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Falls in the lounge",
        summary="What we changed after falls in the lounge.",
        settings=["general-practice"],
        safety_domains=["reliability"],
        date="2023-05-01",
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Quality of handover notes",
        summary="Better notes at handover.",
        settings=["care-homes"],
        safety_domains=["reliability"],
        date="2022-05-01",
    )
    LearningNotePageFactory(parent=learning_index, title="Hydration rounds", summary="Drinks every hour.")


def test_a_word_no_page_has_falls_back_to_pages_with_the_other_words(falls_pages):
    # "xylophone": the factories fill other fields with English words, which PostgreSQL stems,
    # so an ordinary word such as "prevention" can turn up in one of them there.
    results = service.query("falls xylophone")
    assert results.some_words
    assert results.unmatched == ("xylophone",)
    assert sorted(hit.title for hit in results.hits) == ["Falls in the lounge", "Night-time falls and quality checks"]
    assert results.total == 2
    assert "<mark>falls</mark>" in str(results.hits[0].snippet).lower()


def test_pages_with_the_most_words_come_first(falls_pages):
    results = service.query("falls quality xylophone")
    titles = [hit.title for hit in results.hits]
    assert titles[0] == "Night-time falls and quality checks"  # two of the three words
    assert sorted(titles[1:]) == ["Falls in the lounge", "Quality of handover notes"]
    assert results.unmatched == ("xylophone",)


def test_facets_and_filters_follow_the_pages_with_some_words(falls_pages):
    results = service.query("falls quality xylophone", {"setting": ["care-homes"]})
    assert results.some_words
    assert [hit.title for hit in results.hits] == ["Night-time falls and quality checks", "Quality of handover notes"]
    settings = {value.key: value.count for value in results.facets["setting"]}
    assert settings == {"care-homes": 2, "general-practice": 1}
    domains = {value.key: value.count for value in results.facets["domain"]}
    assert domains == {"past-harm": 1, "reliability": 1}


def test_all_the_words_together_are_still_preferred(falls_pages):
    results = service.query("falls quality")
    assert not results.some_words
    assert [hit.title for hit in results.hits] == ["Night-time falls and quality checks"]


def test_one_word_that_finds_nothing_stays_nothing(falls_pages):
    results = service.query("xylophone")
    assert results.total == 0 and not results.some_words


def test_spelling_is_corrected_before_falling_back_to_some_words(falls_pages):
    results = service.query("fals qualty")
    assert results.corrected_from == "fals qualty"
    assert not results.some_words
    assert [hit.title for hit in results.hits] == ["Night-time falls and quality checks"]


def test_member_only_pages_stay_hidden_in_the_fallback(learning_index):
    from portal.core.factories import restrict_to_members
    from portal.members.factories import MemberFactory

    LearningNotePageFactory(parent=learning_index, title="Falls in public", summary="Open.")
    hidden = LearningNotePageFactory(parent=learning_index, title="Falls for members", summary="Closed.")
    restrict_to_members(hidden)

    public = service.query("falls xylophone")
    members = service.query("falls xylophone", user=MemberFactory())
    assert [hit.title for hit in public.hits] == ["Falls in public"] and public.total == 1
    assert sorted(hit.title for hit in members.hits) == ["Falls for members", "Falls in public"]
    assert {value.key: value.count for value in public.facets["type"]} == {"learning-note": 1}


def test_the_page_says_plainly_that_these_pages_have_some_of_the_words(client, falls_pages):
    response = client.get("/search/?q=falls+xylophone")
    html = response.content.decode()
    assert "No pages have all of the words ‘falls xylophone’. Showing pages with some of them" in html
    assert "No page mentions ‘xylophone’." in html
    assert "Nothing matched" not in html
    assert sorted(card_titles(response)) == ["Falls in the lounge", "Night-time falls and quality checks"]
    assert ZeroResultSearch.objects.filter(query_string="falls xylophone").exists()


def test_several_words_nobody_mentions_are_listed(falls_pages, client):
    html = client.get("/search/?q=falls+xylophone+wibble").content.decode()
    assert "No page mentions ‘xylophone’ or ‘wibble’." in html


def test_the_fallback_searches_only_for_the_words_some_page_has(falls_pages):
    # With one word found every matching page has it, so how many words each page has is not
    # worked out (at 100,000 pages that counting was most of the fallback's 0.7 to 2.3 s).
    matched, having, unmatched = DatabaseEngine._match_some(visible_pages(), concepts_of("falls xylophone"))
    assert unmatched == ("xylophone",)
    assert having == ()
    assert sorted(page.title for page in matched) == ["Falls in the lounge", "Night-time falls and quality checks"]


def test_the_words_each_page_has_are_counted_only_for_words_some_page_has(falls_pages):
    matched, having, unmatched = DatabaseEngine._match_some(visible_pages(), concepts_of("falls quality xylophone"))
    assert unmatched == ("xylophone",)
    assert len(having) == 2  # falls, quality
    assert {page.title for page in matched} == {
        "Night-time falls and quality checks",
        "Falls in the lounge",
        "Quality of handover notes",
    }


def test_a_word_only_member_only_pages_have_counts_as_missing_for_the_public(learning_index):
    from portal.core.factories import restrict_to_members
    from portal.members.factories import MemberFactory

    LearningNotePageFactory(parent=learning_index, title="Falls in public", summary="Open.")
    hidden = LearningNotePageFactory(parent=learning_index, title="Xylophone lessons for members", summary="Closed.")
    restrict_to_members(hidden)

    public = service.query("falls xylophone")
    members = service.query("falls xylophone", user=MemberFactory())
    assert public.unmatched == ("xylophone",)
    assert [hit.title for hit in public.hits] == ["Falls in public"]
    assert members.some_words and members.unmatched == ()
    assert sorted(hit.title for hit in members.hits) == ["Falls in public", "Xylophone lessons for members"]


# Compound words


def known(*words):
    return lambda word: any(form in words for form in vocabulary.variants(word))


def test_a_compound_splits_into_two_known_words():
    assert vocabulary.split_compound("bedrails", known("bed", "rail")) == ("bed", "rails")
    assert vocabulary.split_compound("handwashing", known("hand", "washing")) == ("hand", "washing")
    assert vocabulary.split_compound("careplan", known("care", "plan")) == ("care", "plan")
    assert vocabulary.split_compound("without", known("with", "out")) is None  # stop words
    assert vocabulary.split_compound("bedrails", known("bed")) is None


def test_two_words_whose_join_is_known_become_one_concept_either_way():
    concepts = vocabulary.with_compounds(vocabulary.parse("bed rails falls"), known("bedrail", "fall"))
    assert [concept.text for concept in concepts] == ["bed rails", "falls"]
    assert ("bed", "rails") in concepts[0].alternatives and ("bedrails",) in concepts[0].alternatives


@pytest.mark.parametrize(
    ("typed", "joined", "spaced"),
    [
        ("bedrails", "bedrails", "bed rails"),
        ("handwashing", "handwashing", "hand washing"),
        ("careplan", "careplan", "care plan"),
    ],
)
def test_compound_words_and_their_spaced_forms_find_each_other(learning_index, typed, joined, spaced):
    LearningNotePageFactory(parent=learning_index, title=f"Checking {joined} daily", summary="One page.")
    LearningNotePageFactory(parent=learning_index, title=f"Why {spaced} matter", summary="Another page.")
    LearningNotePageFactory(parent=learning_index, title="Something else", summary="Nothing to do with it.")
    expected = [f"Checking {joined} daily", f"Why {spaced} matter"]
    assert sorted(hit.title for hit in service.query(typed).hits) == expected
    assert sorted(hit.title for hit in service.query(spaced).hits) == expected


def test_a_compound_only_in_its_spaced_form_is_found(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Bed rails and falls", summary="Fitting bed rails.")
    results = DatabaseEngine().search(Query(text="bedrail"))
    assert [hit.title for hit in results.hits] == ["Bed rails and falls"]
    assert "<mark>bed rails</mark>" in str(results.hits[0].snippet).lower()
    assert results.corrected_from is None


def test_queries_without_compounds_are_unchanged(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Falls.")
    assert concepts_of("falls at night") == vocabulary.parse("falls at night")
