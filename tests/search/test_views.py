import pytest

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


def test_search_finds_a_word_in_the_body_of_a_learning_note(client, learning_index, case_study_index):
    LearningNotePageFactory(
        parent=learning_index, title="Night staff and drinks", what_happened="Thirsty residents walked the corridor."
    )
    CaseStudyPageFactory(parent=case_study_index, title="Insulin passports", problem="<p>Doses were missed.</p>")
    response = client.get("/search/?q=corridor")
    assert card_titles(response) == ["Night staff and drinks"]
    assert "1 result for ‘corridor’" in response.content.decode()


def test_search_never_shows_drafts(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Published sepsis note", what_we_tried="sepsis screening")
    draft = LearningNotePageFactory(parent=learning_index, title="Draft sepsis note", what_we_tried="sepsis screening")
    draft.unpublish()
    assert card_titles(client.get("/search/?q=sepsis")) == ["Published sepsis note"]


def test_empty_search_shows_the_form_and_no_results(client, db):
    html = client.get("/search/").content.decode()
    assert '<input class="nhsuk-input nhsuk-u-width-two-thirds" id="search-page-field" name="q"' in html
    assert "result" not in html.split("</form>", 1)[1].split("<footer", 1)[0]


def test_no_match_suggests_browsing_and_escapes_the_query(client, db):
    html = client.get("/search/?q=<script>zzz</script>").content.decode()
    assert "Nothing matched" in html
    assert "<script>zzz</script>" not in html
    assert "&lt;script&gt;zzz&lt;/script&gt;" in html


def test_search_query_count_is_the_same_for_one_result_and_a_full_page(client, learning_index, navigation):
    LearningNotePageFactory(parent=learning_index, what_we_tried="handover checklist")
    client.get("/search/?q=handover")
    one = count_queries(client, "/search/?q=handover")
    LearningNotePageFactory.create_batch(
        30, parent=learning_index, what_we_tried="handover checklist", settings=["care-homes", "whole-system"]
    )
    full_page = count_queries(client, "/search/?q=handover")
    assert one == full_page
    assert full_page <= 16
