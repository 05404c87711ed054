import pytest

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.core.pagecache import bump_generation
from portal.updates.factories import UpdatePageFactory
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(case_study_index, learning_index, peer_visit_index, update_index):
    CaseStudyPageFactory(
        parent=case_study_index, title="Case study in care homes", date="2020-01-01", settings=["care-homes"]
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Note in care homes",
        date="2022-01-01",
        settings=["care-homes"],
        safety_domains=["reliability"],
    )
    PeerVisitReportPageFactory(
        parent=peer_visit_index, title="Visit in care homes", date="2021-01-01", settings=["care-homes"]
    )
    UpdatePageFactory(parent=update_index, title="Update for GPs", date="2023-01-01", settings=["general-practice"])


def test_setting_page_explains_the_setting_and_lists_every_type_newest_first(client, mixed):
    response = client.get("/settings/care-homes/")
    html = response.content.decode()
    assert "<h1>Care homes</h1>" in html
    assert "Residential and nursing homes" in html
    assert card_titles(response) == ["Note in care homes", "Visit in care homes", "Case study in care homes"]
    assert ">Learning note</strong>" in html and ">Peer-visit report</strong>" in html


def test_setting_page_can_be_narrowed_by_domain(client, mixed):
    assert card_titles(client.get("/settings/care-homes/?domain=reliability")) == ["Note in care homes"]


def test_domain_page_shows_its_guiding_question_and_can_be_narrowed_by_setting(client, mixed):
    response = client.get("/domains/reliability/?setting=care-homes")
    html = response.content.decode()
    assert "Are our clinical systems and processes reliable?" in html
    assert card_titles(response) == ["Note in care homes"]


def test_unknown_setting_or_domain_is_a_not_found_page_in_the_site_design(client, db):
    for url in ("/settings/nowhere/", "/domains/nothing/", "/learning/no-such-note/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "<h1>Page not found</h1>" in html
        assert 'class="nhsuk-header' in html


def test_index_pages_list_every_setting_and_domain(client, db):
    settings_html = client.get("/settings/").content.decode()
    domains_html = client.get("/domains/").content.decode()
    assert settings_html.count('href="/settings/') >= 8
    assert 'href="/domains/anticipation-and-preparedness/">Anticipation and preparedness</a>' in domains_html


def test_browse_query_count_is_constant_from_10_to_200_pages_of_mixed_types(
    client, case_study_index, learning_index, peer_visit_index, update_index, navigation
):
    def add(each):
        CaseStudyPageFactory.create_batch(each, parent=case_study_index, settings=["care-homes"])
        LearningNotePageFactory.create_batch(each, parent=learning_index, settings=["care-homes"])
        PeerVisitReportPageFactory.create_batch(each, parent=peer_visit_index, settings=["care-homes"])
        UpdatePageFactory.create_batch(each, parent=update_index, settings=["care-homes", "whole-system"])

    def count(url):
        """Queries for the first view after a change (counts found afresh), then for the next (counts kept)."""
        bump_generation()
        return count_queries(client, url), count_queries(client, url)

    add(3)  # 12 pages: a full first page of cards
    for url in ("/settings/care-homes/", "/domains/past-harm/", "/"):
        client.get(url)  # warm the answers kept until content changes
    at_12 = (count("/settings/care-homes/"), count("/domains/past-harm/"), count("/"))
    add(47)  # 200 pages
    for url in ("/settings/care-homes/", "/domains/past-harm/", "/"):
        client.get(url)  # publishing replaced the generation: the header and footer are read again
    at_200 = (count("/settings/care-homes/"), count("/domains/past-harm/"), count("/"))
    assert at_12 == at_200
    # The first view after a change also reads the view restrictions, kept until content changes.
    assert max(first for first, _ in at_200) <= 21
    assert max(kept for _, kept in at_200) <= 14
