"""The database engine, through ``DatabaseEngine.search``: which pages a searcher gets.

Only what a search finds is asserted here (every word or some, filters, who
may see what), not how facets are counted or results ranked.
"""

import datetime

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.members.factories import MemberFactory
from search.engines.database import DatabaseEngine
from search.results import Query

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


def found(text="", user=None, **filters):
    results = DatabaseEngine().search(Query(text=text, filters=filters, user=user, per_page=100))
    return {hit.title for hit in results.hits}


def test_a_page_must_have_every_word(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Fewer falls after dark.")
    LearningNotePageFactory(parent=learning_index, title="Falls in the day room", summary="Chairs moved.")

    results = DatabaseEngine().search(Query(text="falls night"))

    assert [hit.title for hit in results.hits] == ["Falls at night"]
    assert results.total == 1 and not results.some_words


def test_a_synonym_finds_the_page_that_says_it_differently(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Medicines round at lunch", summary="Fewer missed doses.")

    assert found("meds") == {"Medicines round at lunch"}


def test_words_in_topic_tags_care_settings_and_safety_domains_are_found(learning_index):
    LearningNotePageFactory(
        parent=learning_index,
        title="A quieter corridor",
        summary="Less noise.",
        tags=["sepsis"],
        settings=["care-homes"],
        safety_domains=["past-harm"],
    )

    assert found("sepsis") == found("care homes") == found("past harm") == {"A quieter corridor"}


def test_when_no_page_has_every_word_pages_with_some_of_them_are_shown(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Fewer falls after dark.")
    LearningNotePageFactory(parent=learning_index, title="Hydration rounds", summary="Drinks every hour.")
    LearningNotePageFactory(parent=learning_index, title="Staffing the rota", summary="Agency shifts.")

    both = DatabaseEngine().search(Query(text="falls hydration"))
    one = DatabaseEngine().search(Query(text="falls xylophone"))

    assert both.some_words and {hit.title for hit in both.hits} == {"Falls at night", "Hydration rounds"}
    assert both.unmatched == ()
    assert one.some_words and [hit.title for hit in one.hits] == ["Falls at night"]
    assert one.unmatched == ("xylophone",)


def test_a_single_word_no_page_has_finds_nothing(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Fewer falls after dark.")

    results = DatabaseEngine().search(Query(text="xylophone"))

    assert results.total == 0 and results.hits == [] and not results.some_words


def test_punctuation_and_search_syntax_are_not_searched_for(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Fewer falls after dark.")

    assert found("!!! ()") == set()
    assert found('falls OR "') == {"Falls at night"}


def test_an_empty_search_lists_every_page(learning_index, case_study_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night")
    CaseStudyPageFactory(parent=case_study_index, title="Hydration in care homes")

    assert found() == {"Falls at night", "Hydration in care homes"}


@pytest.fixture
def filtered_pages(learning_index, case_study_index):
    LearningNotePageFactory(
        parent=learning_index,
        title="Falls in care homes",
        settings=["care-homes"],
        safety_domains=["past-harm"],
        tags=["falls"],
        date=datetime.date(2021, 5, 1),
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Falls in general practice",
        settings=["general-practice"],
        safety_domains=["reliability"],
        tags=["falls", "dementia"],
        date=datetime.date(2022, 5, 1),
    )
    CaseStudyPageFactory(
        parent=case_study_index,
        title="Falls on the acute ward",
        settings=["acute-hospital"],
        safety_domains=["past-harm"],
        tags=["falls"],
        date=datetime.date(2022, 7, 1),
    )


def test_a_filter_keeps_the_pages_with_its_value(filtered_pages):
    assert found("falls", setting=["care-homes"]) == {"Falls in care homes"}
    assert found("falls", domain=["past-harm"]) == {"Falls in care homes", "Falls on the acute ward"}
    assert found("falls", type=["case-study"]) == {"Falls on the acute ward"}
    assert found("falls", tag=["dementia"]) == {"Falls in general practice"}
    assert found("falls", year=["2022"]) == {"Falls in general practice", "Falls on the acute ward"}


def test_values_of_one_filter_widen_and_filters_together_narrow(filtered_pages):
    assert found("falls", setting=["care-homes", "general-practice"]) == {
        "Falls in care homes",
        "Falls in general practice",
    }
    assert found("falls", domain=["past-harm"], year=["2022"]) == {"Falls on the acute ward"}
    assert found("falls", setting=["care-homes"], type=["case-study"]) == set()


def test_filters_apply_to_an_empty_search_too(filtered_pages):
    assert found(type=["learning-note"]) == {"Falls in care homes", "Falls in general practice"}


def test_member_only_pages_are_held_back_from_everyone_but_members(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls on the stairs")
    restrict_to_members(LearningNotePageFactory(parent=learning_index, title="Falls audit for members"))
    secret = LearningNotePageFactory(parent=learning_index, title="Falls behind a password")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")

    public = DatabaseEngine().search(Query(text="falls"))
    for_members = DatabaseEngine().search(Query(text="falls", user=MemberFactory()))

    assert {(hit.title, hit.members_only) for hit in public.hits} == {("Falls on the stairs", False)}
    assert {(hit.title, hit.members_only) for hit in for_members.hits} == {
        ("Falls on the stairs", False),
        ("Falls audit for members", True),
    }


def test_drafts_are_never_found(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls on the stairs")
    LearningNotePageFactory(parent=learning_index, title="Falls review in draft").unpublish()

    assert found("falls") == {"Falls on the stairs"}
    assert found("falls", user=MemberFactory()) == {"Falls on the stairs"}
