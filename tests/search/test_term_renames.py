"""Renaming a topic tag (or a care setting or safety domain) reaches both engines' indexes."""

import pytest
from django.core.cache import cache
from taggit.models import Tag

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.taxonomy.models import Setting
from search.engines.database import DatabaseEngine
from search.models import IndexOutbox
from search.results import Query

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(learning_index, case_study_index):
    return [
        LearningNotePageFactory(parent=learning_index, title="Moving residents safely", tags=["hoists"]),
        CaseStudyPageFactory(parent=case_study_index, title="A safer transfer", tags=["hoists"]),
        LearningNotePageFactory(parent=learning_index, title="Menus", tags=["menus"]),
    ]


def titles(text):
    cache.clear()
    return sorted(hit.title for hit in DatabaseEngine().search(Query(text=text, autocorrect=False)).hits)


def test_the_database_engine_finds_pages_by_a_renamed_tags_new_name(tagged, django_capture_on_commit_callbacks):
    tag = Tag.objects.get(slug="hoists")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Ceiling lifts"
        tag.save()
    assert titles("ceiling lifts") == ["A safer transfer", "Moving residents safely"]


def test_the_database_engine_finds_pages_by_a_renamed_settings_new_name(
    learning_index, django_capture_on_commit_callbacks
):
    LearningNotePageFactory(parent=learning_index, title="Out of hours", settings=["community-pharmacy"])
    setting = Setting.objects.get(slug="community-pharmacy")
    with django_capture_on_commit_callbacks(execute=True):
        setting.name = "Chemists"
        setting.save()
    assert titles("chemists") == ["Out of hours"]


def test_renaming_a_tag_queues_every_page_using_it_for_elasticsearch(
    fault_server, es_signals, tagged, django_capture_on_commit_callbacks
):
    IndexOutbox.objects.all().delete()
    tag = Tag.objects.get(slug="hoists")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Ceiling lifts"
        tag.save()
    assert sorted(IndexOutbox.objects.values_list("page_id", flat=True)) == sorted([tagged[0].pk, tagged[1].pk])


def test_a_renamed_setting_labels_the_next_searchs_facet_and_cards(learning_index):
    """The names of care settings are kept between searches, until the taxonomy next changes."""
    LearningNotePageFactory(parent=learning_index, title="Out of hours", settings=["community-pharmacy"])

    def labels():
        results = DatabaseEngine().search(Query(text="hours"))
        return [value.label for value in results.facets["setting"]], [term.name for term in results.hits[0].settings]

    assert labels() == (["Community pharmacy"], ["Community pharmacy"])  # read, and kept
    setting = Setting.objects.get(slug="community-pharmacy")
    setting.name = "Chemists"
    setting.save()

    assert labels() == (["Chemists"], ["Chemists"])
