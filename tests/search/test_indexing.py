"""Indexing a batch of knowledge pages reads the database as often however many there are.

``KnowledgePage.get_indexed_objects`` prefetches the settings and safety
domains, which modelsearch leaves to one query per page per read. These
tests index through the backend the way ``update_index`` and the rebuild
commands do, and search with the backend's own ``.search()``.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from learning.factories import LearningNotePageFactory
from learning.models import LearningNotePage
from portal.core.models import KnowledgePage

pytestmark = pytest.mark.django_db


def make_notes(parent, count, start=0):
    for number in range(start, start + count):
        LearningNotePageFactory(
            parent=parent,
            title=f"Night checks {number}",
            settings=["care-homes", "general-practice"],
            safety_domains=["reliability", "past-harm"],
            tags=["night", f"round-{number}"],
        )


def reads_to_index_every_note():
    """SELECTs only: the SQLite backend writes each page's row with its own UPDATE, which is the backend's business."""
    index = get_search_backend().get_index_for_model(LearningNotePage)
    with CaptureQueriesContext(connection) as captured:
        index.add_items(LearningNotePage, list(LearningNotePage.get_indexed_objects()))
    return sum(query["sql"].lstrip().upper().startswith("SELECT") for query in captured.captured_queries)


def test_indexing_twelve_notes_reads_as_many_times_as_indexing_three(learning_index):
    make_notes(learning_index, 3)
    with_three = reads_to_index_every_note()
    make_notes(learning_index, 9, start=3)

    assert reads_to_index_every_note() == with_three


def test_each_page_is_indexed_with_its_own_safety_domains(learning_index):
    LearningNotePageFactory(
        parent=learning_index, title="Planning for winter", safety_domains=["anticipation-and-preparedness"]
    )
    LearningNotePageFactory(parent=learning_index, title="Counting falls", safety_domains=["past-harm"])
    IndexEntry.objects.all().delete()
    assert list(KnowledgePage.objects.live().search("anticipation")) == []

    reads_to_index_every_note()

    assert [page.title for page in KnowledgePage.objects.live().search("anticipation")] == ["Planning for winter"]
