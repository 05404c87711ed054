import re

import pytest
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.home.factories import StandardPageFactory
from portal.members.factories import MemberFactory
from portal.roadmap.factories import RoadmapPageFactory
from portal.taxonomy.models import Setting
from portal.updates.factories import UpdatePageFactory
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


def test_home_shows_the_programme_aim_and_the_newest_learning_of_every_kind(
    client, home, learning_index, case_study_index, update_index
):
    home.intro = "A partnership of every health and care organisation in the city."
    home.aim = "The safest health and care economy in the country."
    home.latest_count = 2
    home.save()
    LearningNotePageFactory(parent=learning_index, title="Oldest note", date="2019-01-01")
    CaseStudyPageFactory(parent=case_study_index, title="Newest case study", date="2024-01-01")
    UpdatePageFactory(parent=update_index, title="Middle update", date="2021-01-01")

    response = client.get("/")
    html = response.content.decode()
    assert "A partnership of every health and care organisation in the city." in html
    assert "The safest health and care economy in the country." in html
    latest = card_titles(response)
    assert latest == ["Newest case study", "Middle update"]
    assert "Case study" in html and "Update" in html


def test_home_offers_every_setting_and_domain_with_counts_of_public_pages(client, home, learning_index):
    LearningNotePageFactory(parent=learning_index, settings=["care-homes"], safety_domains=["past-harm"])
    private = LearningNotePageFactory(parent=learning_index, settings=["care-homes"], safety_domains=["past-harm"])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")
    draft = LearningNotePageFactory(parent=learning_index, settings=["care-homes"])
    draft.unpublish()

    html = client.get("/").content.decode()
    assert (
        '<a class="portal-term" href="/settings/care-homes/">Care homes <span class="portal-term__count">(1)</span></a>'
    ) in html
    assert (
        '<a class="portal-term" href="/settings/mental-health/">Mental health '
        '<span class="portal-term__count">(0)</span></a>'
    ) in html
    assert (
        '<a class="portal-term portal-term--domain" href="/domains/past-harm/">Past harm '
        '<span class="portal-term__count">(1)</span></a>'
    ) in html
    assert "Are we responding and improving?" in html


def test_standard_page_renders_intro_and_body(client, home):
    page = StandardPageFactory(parent=home, title="About the programme", intro="Who we are.")
    html = client.get(page.url).content.decode()
    assert "<h1>About the programme</h1>" in html
    assert "Who we are." in html


def test_every_page_has_the_nhs_header_search_and_footer(client, home):
    html = client.get("/").content.decode()
    assert 'class="nhsuk-header' in html
    assert 'action="/search/"' in html
    assert "Search the Safety Learning Portal" in html
    assert 'class="nhsuk-footer"' in html
    assert "Skip to main content" in html


def _count_shown(html, name):
    match = re.search(rf">{re.escape(name)} <span class=\"portal-term__count\">\((\d+)\)</span>", html)
    return int(match.group(1))


def test_home_counts_follow_publishing_unpublishing_and_retagging(client, home, learning_index):
    note = LearningNotePageFactory(parent=learning_index, settings=["care-homes"], safety_domains=["past-harm"])
    assert _count_shown(client.get("/").content.decode(), "Care homes") == 1

    second = LearningNotePageFactory(parent=learning_index, settings=["care-homes"], safety_domains=["reliability"])
    second.save_revision().publish()
    html = client.get("/").content.decode()
    assert _count_shown(html, "Care homes") == 2
    assert _count_shown(html, "Past harm") == 1

    note.unpublish()
    assert _count_shown(client.get("/").content.decode(), "Care homes") == 1

    second.settings = [Setting.objects.get(slug="mental-health")]
    second.save_revision().publish()
    html = client.get("/").content.decode()
    assert _count_shown(html, "Care homes") == 0
    assert _count_shown(html, "Mental health") == 1


def test_members_count_member_only_pages_and_the_public_does_not(client, home, learning_index):
    LearningNotePageFactory(parent=learning_index, settings=["care-homes"])
    restrict_to_members(LearningNotePageFactory(parent=learning_index, settings=["care-homes"]))

    assert _count_shown(client.get("/").content.decode(), "Care homes") == 1
    client.force_login(MemberFactory())
    assert _count_shown(client.get("/").content.decode(), "Care homes") == 2
    client.logout()
    assert _count_shown(client.get("/").content.decode(), "Care homes") == 1


def test_home_counts_pages_even_when_the_cache_cannot_be_reached(client, home, learning_index, monkeypatch, caplog):
    LearningNotePageFactory(parent=learning_index, settings=["care-homes"])

    def unreachable():
        raise ConnectionError("cache down")

    monkeypatch.setattr("portal.core.pagecache.current_generation", unreachable)
    response = client.get("/")

    assert response.status_code == 200
    assert _count_shown(response.content.decode(), "Care homes") == 1
    assert "Cache unavailable; computing pages-per-term:public afresh" in caplog.text


def test_home_costs_the_same_queries_for_few_and_many_pages(client, home, learning_index, navigation):
    LearningNotePageFactory(parent=learning_index, settings=["care-homes"])
    client.get("/")
    few = count_queries(client, "/")
    LearningNotePageFactory.create_batch(20, parent=learning_index, settings=["care-homes", "social-care"])
    client.get("/")  # the first view after a change counts afresh
    assert count_queries(client, "/") == few


def test_the_aim_leads_to_the_roadmap(client, home):
    """A reader looking for the plan found the roadmap only in the header's small-screen "More" menu."""
    html = client.get("/").content.decode()
    assert "How we are getting there" not in html  # no roadmap published yet: no link to nowhere

    roadmap = RoadmapPageFactory(parent=home)
    html = client.get("/").content.decode()
    assert f'<a href="{roadmap.url}">How we are getting there: the roadmap, milestones and measures</a>' in html
