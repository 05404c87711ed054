"""Topic pages (/topics/<slug>/): every kind of learning on one topic tag, for whoever may see it."""

import pytest
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.core.factories import restrict_to_members
from portal.core.pagecache import bump_generation
from portal.members.factories import MemberFactory
from portal.updates.factories import UpdatePageFactory
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def falls_pages(case_study_index, learning_index, peer_visit_index, update_index):
    case_study = CaseStudyPageFactory(
        parent=case_study_index, title="Falls huddles at Irwell House", date="2024-01-01", tags=["falls"]
    )
    LearningNotePageFactory(
        parent=learning_index, title="Night-time falls checks", date="2025-01-01", tags=["falls", "night"]
    )
    PeerVisitReportPageFactory(
        parent=peer_visit_index, title="Visit on falls and hydration", date="2023-01-01", tags=["falls"]
    )
    UpdatePageFactory(parent=update_index, title="Falls collaborative opens", date="2022-01-01", tags=["falls"])
    CaseStudyPageFactory(parent=case_study_index, title="Medicines rounds", date="2025-06-01", tags=["medicines"])
    return case_study


def test_a_topic_page_lists_every_kind_of_learning_on_the_topic_newest_first(client, falls_pages):
    response = client.get("/topics/falls/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="portal-user-text">falls</h1>' in html
    assert card_titles(response) == [
        "Night-time falls checks",
        "Falls huddles at Irwell House",
        "Visit on falls and hydration",
        "Falls collaborative opens",
    ]
    for label in ("Case study", "Learning note", "Peer-visit report", "Update"):
        assert f">{label}</strong>" in html


def test_the_topic_link_on_a_case_study_leads_to_the_topic_page_not_a_case_study_listing(client, falls_pages):
    html = client.get(falls_pages.url).content.decode()
    assert 'href="/topics/falls/">falls</a>' in html
    assert "?tag=falls" not in html


def test_a_topic_page_can_be_narrowed_by_setting(client, case_study_index, learning_index):
    CaseStudyPageFactory(parent=case_study_index, title="Care home falls", tags=["falls"], settings=["care-homes"])
    LearningNotePageFactory(parent=learning_index, title="GP falls", tags=["falls"], settings=["general-practice"])
    response = client.get("/topics/falls/?setting=care-homes")
    assert card_titles(response) == ["Care home falls"]
    assert "Showing only" in response.content.decode()


def test_a_topic_on_member_only_pages_alone_is_not_found_for_the_public_but_listed_for_members(client, learning_index):
    secret = LearningNotePageFactory(parent=learning_index, title="Note for members", tags=["bed rails"])
    restrict_to_members(secret)
    assert client.get("/topics/bed-rails/").status_code == 404

    client.force_login(MemberFactory())
    response = client.get("/topics/bed-rails/")
    assert card_titles(response) == ["Note for members"]
    assert ">Members only</strong>" in response.content.decode()


def test_a_topic_page_leaves_out_pages_behind_other_restrictions_and_unknown_topics_are_not_found(
    client, learning_index
):
    LearningNotePageFactory(parent=learning_index, title="Open note", tags=["falls"])
    hidden = LearningNotePageFactory(parent=learning_index, title="Signed-in note", tags=["falls"])
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    assert card_titles(client.get("/topics/falls/")) == ["Open note"]
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_a_topic_page_costs_the_same_number_of_queries_for_few_and_many_pages(
    client, case_study_index, learning_index, peer_visit_index, update_index, navigation
):
    def add(each):
        CaseStudyPageFactory.create_batch(each, parent=case_study_index, tags=["falls"])
        LearningNotePageFactory.create_batch(each, parent=learning_index, tags=["falls"])
        PeerVisitReportPageFactory.create_batch(each, parent=peer_visit_index, tags=["falls"])
        UpdatePageFactory.create_batch(each, parent=update_index, tags=["falls"])

    def count():
        """Queries for the first view after a change (the count found afresh), then for the next (kept)."""
        bump_generation()
        return count_queries(client, "/topics/falls/"), count_queries(client, "/topics/falls/")

    add(3)
    client.get("/topics/falls/")
    few = count()
    add(30)
    many = count()
    assert few == many
    assert many[0] <= 20 and many[1] <= 10
