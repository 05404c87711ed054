"""Tag words reach Wagtail's database index: through the factories and through publishing.

Each test searches with the backend's own ``.search()``, not the search
service, so that nothing but the index itself can find the page.
"""

import pytest
from wagtail.signals import page_published

from learning.factories import LearningNotePageFactory
from learning.models import LearningNotePage
from portal.core.models import KnowledgePage
from search import signals

pytestmark = pytest.mark.django_db


def found_by_index(word):
    return [page.title for page in KnowledgePage.objects.live().search(word)]


def note_without_the_word(learning_index, **fields):
    return LearningNotePageFactory(
        parent=learning_index,
        title="Checking legs at the weekly round",
        summary="Nurses look at both legs every week.",
        what_we_tried="A weekly look.",
        what_happened="Swelling found earlier.",
        what_we_learned="Ask residents too.",
        what_we_would_advise="Keep it short.",
        author_name="Sam Lee",
        **fields,
    )


def test_a_page_made_by_the_factories_is_found_by_its_topic_tag(learning_index):
    note_without_the_word(learning_index, tags=["thrombosis"])
    assert found_by_index("thrombosis") == ["Checking legs at the weekly round"]


def test_a_page_published_with_a_new_tag_is_found_by_it(learning_index):
    note = note_without_the_word(learning_index, tags=["oedema"])
    page = LearningNotePage.objects.get(pk=note.pk)
    page.tags.add("cellulitis")
    page.save_revision().publish()
    assert found_by_index("cellulitis") == ["Checking legs at the weekly round"]
    assert found_by_index("oedema") == ["Checking legs at the weekly round"]


def test_without_the_publish_handler_the_new_tag_is_missing_from_the_index(learning_index):
    """The control: the page row alone is indexed before its tags are saved."""
    note = note_without_the_word(learning_index)
    page = LearningNotePage.objects.get(pk=note.pk)
    page.tags.add("cellulitis")
    page_published.disconnect(dispatch_uid="search.reindex_published_page")
    try:
        page.save_revision().publish()
        assert found_by_index("cellulitis") == []
    finally:
        signals.connect()
    page.save_revision().publish()
    assert found_by_index("cellulitis") == ["Checking legs at the weekly round"]
