"""``/sitemap.xml``: Wagtail's sitemap of every live, public page, at a cost that does not grow."""

import pytest

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_the_sitemap_lists_live_public_pages_and_nothing_else(client, learning_index):
    shown = LearningNotePageFactory(parent=learning_index, title="Shown")
    draft = LearningNotePageFactory(parent=learning_index, title="Draft")
    draft.unpublish()
    members = restrict_to_members(LearningNotePageFactory(parent=learning_index, title="Members")).page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert sitemap.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f"{learning_index.url}</loc>" in sitemap and f"{shown.url}</loc>" in sitemap
    assert draft.url not in sitemap and members.url not in sitemap


def test_the_sitemap_costs_the_same_for_few_and_many_pages(client, learning_index, case_study_index):
    LearningNotePageFactory.create_batch(3, parent=learning_index)
    CaseStudyPageFactory.create_batch(3, parent=case_study_index)
    client.get("/sitemap.xml")
    few = count_queries(client, "/sitemap.xml")
    LearningNotePageFactory.create_batch(30, parent=learning_index)
    CaseStudyPageFactory.create_batch(30, parent=case_study_index)
    assert count_queries(client, "/sitemap.xml") == few
