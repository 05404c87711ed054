"""The four knowledge page types share the base's summary and date panels and its tag search fields."""

import pytest
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from casestudies.models import CaseStudyPage
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.core.models import KnowledgePage
from portal.updates.models import UpdatePage

KNOWLEDGE_PAGES = [CaseStudyPage, LearningNotePage, PeerVisitReportPage, UpdatePage]


def test_every_knowledge_page_type_is_listed_here():
    assert set(KnowledgePage.__subclasses__()) == set(KNOWLEDGE_PAGES)


@pytest.mark.parametrize("model", KNOWLEDGE_PAGES)
def test_content_panels_open_with_the_summary_and_date(model):
    after_the_title = model.content_panels[len(Page.content_panels) :][:2]
    assert [panel.field_name for panel in after_the_title if isinstance(panel, FieldPanel)] == ["summary", "date"]


def test_a_peer_visit_names_its_date_the_visit_date():
    date_panel = PeerVisitReportPage.content_panels[len(Page.content_panels) + 1]
    assert date_panel.field_name == "date" and date_panel.heading == "Visit date"


@pytest.mark.parametrize("model", KNOWLEDGE_PAGES)
def test_tags_are_searched_through_the_base_fields(model):
    [tags] = KnowledgePage.tag_search_fields
    assert tags in model.search_fields
    assert [field.field_name for field in model.search_fields].count("tags") == 1
