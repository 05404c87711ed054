"""The demo site: realistic, complete, and safe to load twice."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.search.models import IndexEntry

from casestudies.models import CaseStudyPage
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.core.models import KnowledgePage
from portal.roadmap.models import (
    ChangeIdea,
    ChangeIdeaEvidence,
    DataPoint,
    Driver,
    Measure,
    MeasureAnnotation,
    Milestone,
    MilestoneStatusChange,
    Workstream,
)
from portal.taxonomy.models import Organisation, SafetyDomain, Setting
from portal.updates.models import UpdatePage
from search.engines.spelling import index_text_field
from tests.demo import demo_loaded_once

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_loaded_once(django_db_blocker, tmp_path_factory) as printed:
        yield printed


@pytest.fixture
def demo(loaded_once, db):
    """What load_demo printed; its content is in the database for this test only."""
    return loaded_once


def snapshot():
    return {
        "pages": sorted(KnowledgePage.objects.values_list("url_path", flat=True)),
        "organisations": Organisation.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_demo_has_sixty_knowledge_pages_over_every_setting_and_domain(demo):
    assert KnowledgePage.objects.live().count() >= 60
    assert CaseStudyPage.objects.count() >= 10
    assert LearningNotePage.objects.count() >= 15
    assert PeerVisitReportPage.objects.count() >= 10
    assert UpdatePage.objects.count() >= 8
    assert Organisation.objects.count() >= 12
    for setting in Setting.objects.all():
        assert setting.pages.count() >= 3, setting
    for domain in SafetyDomain.objects.all():
        assert domain.pages.count() >= 5, domain


def test_every_case_study_has_a_locally_made_picture_with_alt_text(demo):
    for case_study in CaseStudyPage.objects.select_related("hero_image"):
        assert case_study.hero_image is not None
        assert case_study.hero_image_alt.strip()
        assert case_study.hero_image.width == 1200


def test_loading_twice_changes_nothing_and_says_so(demo):
    before = snapshot()
    again = load()
    assert snapshot() == before
    assert "learning notes: 0 added" in again


def test_demo_shows_progress_while_it_loads(demo):
    assert "Case studies" in demo and "14/14" in demo
    assert "Demo site ready." in demo


def test_demo_logins_are_only_made_under_development_settings(demo, settings):
    assert get_user_model().objects.count() == 0
    assert "Demo logins" not in demo
    settings.PORTAL_DEMO_ACCOUNTS = True
    out = load()
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["admin", "carehome", "editor", "facilitator", "newstarter"]
    assert users.get(username="admin").is_superuser
    assert users.get(username="editor").groups.filter(name="Moderators").exists()
    assert not users.get(username="carehome").is_staff
    assert "demo-editor-pass" in out


DEMO_ADDRESSES = {
    "/": "Latest learning",
    "/case-studies/": "Case studies",
    "/learning/": "Learning notes",
    "/peer-visits/": "Peer visits",
    "/updates/": "Updates",
    "/roadmap/": "Our aim",
    "/search/?q=falls": "results for ‘falls’",
    "/settings/care-homes/": "Care homes",
    "/domains/integration-and-learning/": "Are we responding and improving?",
    "/about/": "About the programme",
    "/help/": "How to use this portal",
}


def test_each_demo_address_answers_with_its_content(client, demo):
    # One demo load for every address: loading takes seconds, checking is instant.
    for url, expected in DEMO_ADDRESSES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url


def test_demo_listing_filters_narrow_results(client, demo):
    everything = client.get("/learning/").content.decode()
    narrowed = client.get("/learning/?setting=care-homes&domain=past-harm").content.decode()
    total = int(everything.split('role="status">')[1].split(" ")[0])
    filtered = int(narrowed.split('role="status">')[1].split(" ")[0])
    assert 0 < filtered < total
    for page in LearningNotePage.objects.filter(settings__slug="care-homes", safety_domains__slug="past-harm"):
        assert page.title.replace("'", "&#x27;") in narrowed


def roadmap_snapshot():
    models = [
        Workstream,
        Driver,
        ChangeIdea,
        ChangeIdeaEvidence,
        Milestone,
        MilestoneStatusChange,
        Measure,
        DataPoint,
        MeasureAnnotation,
    ]
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "statuses": sorted(Milestone.objects.values_list("title", "status")),
    }


def test_demo_roadmap_has_workstreams_milestones_and_measures_in_every_domain(demo):
    assert Workstream.objects.count() >= 4
    assert Milestone.objects.count() >= 20
    measures = Measure.objects.annotate(points=Count("data_points"))
    assert measures.count() >= 8
    assert min(measure.points for measure in measures) >= 24
    assert set(measures.values_list("safety_domain__slug", flat=True)) == set(
        SafetyDomain.objects.values_list("slug", flat=True)
    )


def test_every_demo_change_idea_sits_under_a_secondary_driver(demo):
    assert Driver.objects.filter(parent__isnull=True).count() >= 3
    assert ChangeIdea.objects.count() >= 20
    assert not ChangeIdea.objects.filter(driver__parent__isnull=True).exists()
    assert ChangeIdeaEvidence.objects.count() >= 20


def test_loading_twice_leaves_the_roadmap_as_it_was(demo):
    before = roadmap_snapshot()
    again = load()
    assert roadmap_snapshot() == before
    assert "milestones: 0 added" in again
    assert "measures: 0 added" in again


def test_loading_again_indexes_every_knowledge_page_with_its_topic_tags(demo):
    """A re-run repairs an index written before pages' tags were saved (see search.signals)."""
    IndexEntry.objects.all().delete()
    again = load()
    total = KnowledgePage.objects.count()
    assert "Search index" in again and f"{total}/{total}" in again
    texts = dict(IndexEntry.objects.values_list("object_id", index_text_field()))
    tagged = [(page, tag.name) for page in KnowledgePage.objects.specific() for tag in page.tags.all()]
    assert len({page.pk for page, _name in tagged}) == total
    for page, name in tagged:
        assert name.lower() in texts[str(page.pk)].lower(), (page.title, name)
    # And the backend's own query finds a page by a tag its title and summary never mention.
    page = KnowledgePage.objects.get(title="Doing PPE training in the garden").specific
    assert "staffing" in [tag.name for tag in page.tags.all()]
    assert "staffing" not in f"{page.title} {page.summary}".lower()
    assert page.pk in {found.pk for found in KnowledgePage.objects.live().search("staffing")}


def test_the_demo_footer_can_be_saved_again_in_the_admin_and_the_site_has_the_portals_address(demo, settings):
    """A reviewer pressed Save on the demo's footer settings, changing nothing, and every link was refused
    ("Enter a valid URL"): the design system's footer link is a URL field, and the demo had stored paths."""
    from django.core.exceptions import ValidationError
    from wagtailnhsukfrontend.settings.models import FooterSettings

    site = Site.objects.get(is_default_site=True)
    links = list(FooterSettings.for_site(site).footer_links.all())
    assert len(links) == 6
    refused = []
    for link in links:
        try:
            link.full_clean()
        except ValidationError as error:
            refused.append((link.link_url, error.messages))
    assert refused == []
    assert site.root_url == settings.PORTAL_BASE_URL
