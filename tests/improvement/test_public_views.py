"""The public pages of spread: organisations, each change idea's page, the driver diagram's counts."""

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.core import purge
from portal.core.factories import restrict_to_members
from portal.improvement.factories import ChangeIdeaStatusFactory
from portal.members.factories import MemberFactory
from portal.roadmap.factories import ChangeIdeaFactory, RoadmapPageFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def care_home():
    return OrganisationFactory(name="Kersal Brook Care Home", locality="Kersal")


@pytest.fixture
def idea():
    return ChangeIdeaFactory(title="Afternoon hydration rounds", description="A drinks round at three o'clock.")


def test_the_organisations_list_filters_by_setting_and_pages(client, care_home):
    practice = OrganisationFactory(
        name="Ordsall Riverside Surgery", setting=Setting.objects.get(slug="general-practice")
    )
    page = text(client.get("/organisations/"))
    assert "Kersal Brook Care Home" in page and "Ordsall Riverside Surgery" in page
    assert "2 organisations" in page
    page = text(client.get("/organisations/?setting=general-practice"))
    assert "Ordsall Riverside Surgery" in page and "Kersal Brook Care Home" not in page
    assert practice.get_absolute_url() in page
    page = text(client.get("/organisations/?setting=nowhere"))
    assert "There is no care setting with that name" in page
    for n in range(25):
        OrganisationFactory(name=f"Home {n:02d}")
    page = text(client.get("/organisations/?page=2"))
    assert ", page 2 of " in page


def test_an_organisation_page_shows_its_public_work_only(
    client, care_home, idea, home, learning_index, case_study_index, peer_visit_index
):
    visitor = OrganisationFactory(name="Monton Mews")
    LearningNotePageFactory(parent=learning_index, title="Live note from Kersal", organisation=care_home)
    LearningNotePageFactory(parent=learning_index, title="Draft note from Kersal", organisation=care_home, live=False)
    restricted = LearningNotePageFactory(parent=learning_index, title="Members-only note", organisation=care_home)
    restrict_to_members(restricted)
    CaseStudyPageFactory(parent=case_study_index, title="Kersal's hydration story", organisation=care_home)
    PeerVisitReportPageFactory(parent=peer_visit_index, title="Visit to Kersal", host_organisation=care_home)
    PeerVisitReportPageFactory(
        parent=peer_visit_index,
        title="Kersal visits Monton",
        host_organisation=visitor,
        visiting_organisations=[care_home],
    )
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, status="planning", took_effect_on=days_ago(90))
    ChangeIdeaStatusFactory(
        organisation=care_home, change_idea=idea, status="testing", took_effect_on=days_ago(30), reason="Private reason"
    )
    ChangeIdeaStatusFactory(
        organisation=care_home, change_idea=ChangeIdeaFactory(title="Quiet hour"), status="abandoned"
    )

    page = text(client.get(care_home.get_absolute_url()))
    assert "Kersal Brook Care Home" in page and "Care homes, Kersal" in page
    assert "Afternoon hydration rounds" in page and idea.get_absolute_url() in page
    assert "Testing" in page
    assert "Live note from Kersal" in page and "Kersal's hydration story" in page
    assert "Visit to Kersal" in page and "Kersal visits Monton" in page
    for private in ("Draft note from Kersal", "Members-only note", "Private reason", "Quiet hour", "Planning"):
        assert private not in page
    assert client.get("/organisations/nowhere/").status_code == 404


def test_a_change_idea_page_groups_current_statuses_by_setting_with_spread_and_learning(client, idea, learning_index):
    practices = Setting.objects.get(slug="general-practice")
    kersal, monton = OrganisationFactory(name="Kersal Brook"), OrganisationFactory(name="Monton Mews")
    ordsall = OrganisationFactory(name="Ordsall Surgery", setting=practices)
    ChangeIdeaStatusFactory(organisation=kersal, change_idea=idea, status="testing", took_effect_on=days_ago(100))
    ChangeIdeaStatusFactory(organisation=kersal, change_idea=idea, status="adopted", took_effect_on=days_ago(10))
    ChangeIdeaStatusFactory(organisation=monton, change_idea=idea, status="testing", took_effect_on=days_ago(40))
    abandoned = ChangeIdeaStatusFactory(
        organisation=ordsall, change_idea=idea, status="abandoned", took_effect_on=days_ago(5), reason="Secret staffing"
    )
    live = LearningNotePageFactory(parent=learning_index, title="Rounds at Kersal", organisation=kersal)
    draft = LearningNotePageFactory(
        parent=learning_index, title="Unpublished rounds note", organisation=kersal, live=False
    )
    abandoned.learning_notes.add(live, draft)

    page = text(client.get(f"/roadmap/change-ideas/{idea.slug}/"))
    assert "Afternoon hydration rounds" in page and "A drinks round at three o'clock." in page
    assert "Adopted: 1 organisation" in page and "Testing: 1 organisation" in page
    assert "Abandoned: 1 organisation" in page and "Planning: 0 organisations" in page
    assert "Care homes" in page and "General practice" in page
    assert "Rounds at Kersal" in page
    assert "Unpublished rounds note" not in page and "Secret staffing" not in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "Organisations testing and adopted by month" in page  # the table alternative
    assert page.count("spc-chart--narrow") == 1
    assert client.get("/roadmap/change-ideas/nothing-here/").status_code == 404


def test_a_status_stored_in_year_1_draws_only_the_last_36_months(client, idea):
    # Such a row drew a table row for every month since year 1 (12 MB a page); the form now refuses
    # it, and the page is bounded whatever is stored.
    home = OrganisationFactory(name="Kersal Brook")
    ChangeIdeaStatusFactory(
        organisation=home, change_idea=idea, status="testing", took_effect_on=datetime.date(1, 1, 1)
    )

    page = text(client.get(f"/roadmap/change-ideas/{idea.slug}/"))
    months = re.findall(r'<th class="nhsuk-table__header" scope="row">([^<]*)</th>', page)
    first = TODAY.replace(day=1)
    for _ in range(35):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    assert len(months) == 36
    assert months[0] == f"{first:%B %Y}" and months[-1] == f"{TODAY:%B %Y}"
    assert "for at most the last 36 months" in page


def test_the_driver_diagram_shows_counts_linking_to_each_idea(client, home, idea):
    roadmap = RoadmapPageFactory(parent=home)
    for status in ("testing", "testing", "adopted", "planning"):
        ChangeIdeaStatusFactory(change_idea=idea, status=status)
    old = OrganisationFactory()
    ChangeIdeaStatusFactory(organisation=old, change_idea=idea, status="testing", took_effect_on=days_ago(50))
    ChangeIdeaStatusFactory(organisation=old, change_idea=idea, status="abandoned", took_effect_on=days_ago(5))
    page = text(client.get(roadmap.url))
    assert "Testing in 2 organisations, adopted in 1" in page
    assert f'href="/roadmap/change-ideas/{idea.slug}/"' in page


def make_spread(size, idea, learning_index):
    for n in range(size):
        organisation = OrganisationFactory(setting=Setting.objects.order_by("pk")[n % 3])
        ChangeIdeaStatusFactory(
            organisation=organisation, change_idea=idea, status="planning", took_effect_on=days_ago(300)
        )
        status = ChangeIdeaStatusFactory(
            organisation=organisation,
            change_idea=idea,
            status=("testing", "adopted")[n % 2],
            took_effect_on=days_ago(20 * n),
        )
        status.learning_notes.add(LearningNotePageFactory(parent=learning_index, organisation=organisation))
        LearningNotePageFactory(parent=learning_index, organisation=organisation)


@pytest.mark.parametrize("size", [2, 8])
def test_public_pages_cost_the_same_as_organisations_and_statuses_grow(
    client, idea, learning_index, size, django_assert_max_num_queries
):
    make_spread(size, idea, learning_index)
    organisation = idea.statuses.first().organisation
    for url in ("/organisations/", organisation.get_absolute_url(), f"/roadmap/change-ideas/{idea.slug}/"):
        client.get(url)
        cache.clear()
        with django_assert_max_num_queries(22):
            text(client.get(url))


def test_recording_a_status_purges_the_pages_it_shows_on(
    client, settings, idea, care_home, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PORTAL_PAGE_CACHE = True
    cache.clear()
    url = f"/roadmap/change-ideas/{idea.slug}/"
    assert "Testing: 0 organisations" in text(client.get(url))
    assert client.get(url)["X-Page-Cache"] == "hit"
    purged = []
    monkeypatch.setattr(purge, "purge_related_urls", lambda extra_paths=(): purged.extend(extra_paths))

    member = MemberFactory(organisation=care_home)
    member_client = client_class = type(client)()
    member_client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            "/my-organisation/", {"change_idea": idea.pk, "status": "testing", "took_effect_on": TODAY.isoformat()}
        )
    del client_class

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Testing: 1 organisation" in text(response)
    assert care_home.name in text(client.get(care_home.get_absolute_url()))
    assert {url, care_home.get_absolute_url(), "/organisations/", f"/feeds/change-ideas/{idea.slug}/atom/"} <= set(
        purged
    )


@pytest.mark.parametrize("ideas", [1, 6])
def test_the_driver_diagram_counts_spread_in_one_query_however_many_ideas(client, home, ideas):
    """The counts come from improvement's template tag, once per render, not once per idea."""
    roadmap = RoadmapPageFactory(parent=home)
    first = ChangeIdeaFactory(title="Idea 0")
    for n in range(1, ideas):
        ChangeIdeaFactory(title=f"Idea {n}", driver=first.driver)
    for status in ("testing", "adopted"):
        ChangeIdeaStatusFactory(change_idea=first, status=status)
    client.get(roadmap.url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get(roadmap.url))
    assert "Testing in 1 organisation, adopted in 1" in page
    assert page.count("Testing in 0 organisations, adopted in 0") == ideas - 1
    spread_queries = [q["sql"] for q in queries.captured_queries if "improvement_changeideastatus" in q["sql"]]
    assert len(spread_queries) == 1
    # The first view after a change (nothing kept): fewer than when the base template drew the roadmap's
    # breadcrumb with wagtail-nhsuk-frontend's tag and the footer looked the site up again, and than when
    # Wagtail's routing read each page on the path twice and then its ancestors' view restrictions.
    assert len(queries) == 19


def test_an_edit_of_an_organisation_or_change_idea_purges_their_public_pages(
    settings, idea, care_home, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend"}}
    ChangeIdeaStatusFactory(organisation=care_home, change_idea=idea, status="testing")
    elsewhere = OrganisationFactory(name="Ordsall Surgery")
    purged = []
    monkeypatch.setattr(purge, "purge_urls_from_cache", lambda urls: purged.extend(urls))

    care_home.name = "Kersal Brook Nursing Home"
    with django_capture_on_commit_callbacks(execute=True):
        care_home.save()  # as the admin's edit form saves it
    paths = {url.removeprefix("http://localhost") for url in purged}
    assert {
        "/organisations/",
        f"/organisations/{care_home.slug}/",
        f"/roadmap/change-ideas/{idea.slug}/",  # lists the organisations working on it
        f"/feeds/change-ideas/{idea.slug}/atom/",
    } <= paths
    assert f"/organisations/{elsewhere.slug}/" not in paths

    purged.clear()
    idea.title = "Afternoon drinks rounds"
    with django_capture_on_commit_callbacks(execute=True):
        idea.save()
    paths = {url.removeprefix("http://localhost") for url in purged}
    assert {
        f"/roadmap/change-ideas/{idea.slug}/",
        f"/feeds/change-ideas/{idea.slug}/atom/",
        f"/organisations/{care_home.slug}/",  # names the change ideas it works on
        "/organisations/",
    } <= paths
    assert f"/organisations/{elsewhere.slug}/" not in paths


def test_the_kept_driver_diagram_counts_follow_a_new_status_and_its_withdrawal_at_once(client, home, idea):
    roadmap = RoadmapPageFactory(parent=home)
    assert "Testing in 0 organisations, adopted in 0" in text(client.get(roadmap.url))
    status = ChangeIdeaStatusFactory(change_idea=idea, status="testing")
    assert "Testing in 1 organisation, adopted in 0" in text(client.get(roadmap.url))
    status.withdraw(MemberFactory())
    assert "Testing in 0 organisations, adopted in 0" in text(client.get(roadmap.url))
