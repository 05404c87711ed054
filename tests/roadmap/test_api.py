"""The read-only roadmap API as a partner's script would use it."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.factories import LearningNotePageFactory
from portal.api import api_router
from portal.roadmap.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    MeasureFactory,
    MilestoneFactory,
    WorkstreamFactory,
)
from portal.taxonomy.factories import OrganisationFactory
from portal.updates.factories import UpdatePageFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def titles(data, key="title"):
    return [item[key] for item in data["items"]]


@pytest.fixture
def care_homes(db):
    return WorkstreamFactory(
        title="Care homes excellence",
        slug="care-homes-excellence",
        description="A community of practice for every care home.",
        lead_organisation=OrganisationFactory(name="Salford Adult Care and Support", locality="Swinton"),
        settings=["care-homes"],
        safety_domains=["past-harm", "integration-and-learning"],
        sort_order=1,
    )


@pytest.fixture
def medicines(db):
    return WorkstreamFactory(
        title="Medicines",
        slug="medicines",
        settings=["general-practice", "community-pharmacy"],
        safety_domains=["reliability"],
        sort_order=2,
    )


@pytest.fixture
def update(update_index):
    return UpdatePageFactory(parent=update_index, title="Every home joins", slug="every-home-joins")


@pytest.fixture
def note(learning_index):
    return LearningNotePageFactory(parent=learning_index, title="Moving the tea trolley", slug="moving-the-tea-trolley")


# Shapes -------------------------------------------------------------------------


def test_workstreams_list_with_their_lead_settings_and_domains(client, care_homes, medicines):
    data = get(client, "/api/v2/workstreams/")
    assert data["meta"]["total_count"] == 2
    assert titles(data) == ["Care homes excellence", "Medicines"]
    first = data["items"][0]
    assert first["slug"] == "care-homes-excellence"
    assert first["meta"]["type"] == "roadmap.Workstream"
    assert first["meta"]["detail_url"] == f"http://localhost/api/v2/workstreams/{care_homes.pk}/"
    assert first["lead_organisation"] == {"name": "Salford Adult Care and Support", "locality": "Swinton"}
    assert first["settings"] == [{"slug": "care-homes", "name": "Care homes"}]
    assert [d["slug"] for d in first["safety_domains"]] == ["past-harm", "integration-and-learning"]
    assert data["items"][1]["lead_organisation"] is None


def test_a_workstream_in_detail_has_its_description(client, care_homes):
    data = get(client, f"/api/v2/workstreams/{care_homes.pk}/")
    assert data["description"] == "A community of practice for every care home."
    assert data["title"] == "Care homes excellence"


def test_a_milestone_carries_its_status_and_the_story_behind_it(client, care_homes, update):
    milestone = MilestoneFactory(
        title="Every care home joins the community of practice",
        workstream=care_homes,
        planned_date=D(2018, 6, 30),
        actual_date=D(2018, 5, 15),
        settings=["care-homes"],
        safety_domains=["integration-and-learning"],
        status_history=[
            (D(2018, 5, 15), "done", "The last three homes joined.", update),
            (D(2017, 6, 19), "on-track", "Eighteen homes came to the first meeting."),
        ],
    )
    data = get(client, "/api/v2/milestones/")
    item = data["items"][0]
    assert item["id"] == milestone.pk
    assert item["title"] == "Every care home joins the community of practice"
    assert item["workstream"] == {
        "id": care_homes.pk,
        "slug": "care-homes-excellence",
        "title": "Care homes excellence",
    }
    assert item["settings"] == [{"slug": "care-homes", "name": "Care homes"}]
    assert item["safety_domains"] == [{"slug": "integration-and-learning", "name": "Integration and learning"}]
    assert (item["planned_date"], item["actual_date"]) == ("2018-06-30", "2018-05-15")
    assert (item["status"], item["status_label"]) == ("done", "Done")
    first, last = item["status_history"]
    assert first == {
        "date": "2017-06-19",
        "status": "on-track",
        "reason": "Eighteen homes came to the first meeting.",
        "update": None,
    }
    assert last["status"] == "done"
    assert last["update"]["title"] == "Every home joins"
    assert last["update"]["type"] == "Update"
    assert last["update"]["html_url"] == "http://localhost/updates/every-home-joins/"
    assert last["update"]["detail_url"] == f"http://localhost/api/v2/pages/{update.pk}/"


def test_a_milestone_in_detail_has_its_description_and_lead(client, care_homes):
    milestone = MilestoneFactory(workstream=care_homes, description="All 31 homes take part.")
    data = get(client, f"/api/v2/milestones/{milestone.pk}/")
    assert data["description"] == "All 31 homes take part."
    assert data["lead_organisation"] is None
    assert (data["status"], data["status_history"]) == ("not-started", [])


def test_a_measure_carries_its_chart_settings_data_and_annotations(client, care_homes):
    measure = MeasureFactory(
        name="Falls in care homes",
        slug="falls-in-care-homes",
        unit="per 1,000 occupied bed days",
        safety_domain="past-harm",
        settings=["care-homes"],
        direction="lower",
        chart_type="xmr",
        baseline_points=2,
        workstream=care_homes,
        data_points=[("2024-02-01", 8.5), ("2024-01-01", 9.25), ("2024-03-01", 6.0)],
        annotations=[("2024-03-01", "Evening drinks round moved earlier")],
    )
    item = get(client, "/api/v2/measures/")["items"][0]
    assert item["id"] == measure.pk
    assert (item["name"], item["slug"], item["unit"]) == (
        "Falls in care homes",
        "falls-in-care-homes",
        "per 1,000 occupied bed days",
    )
    assert item["safety_domain"] == {"slug": "past-harm", "name": "Past harm"}
    assert item["settings"] == [{"slug": "care-homes", "name": "Care homes"}]
    assert (item["direction"], item["chart_type"]) == ("lower", "xmr")
    assert item["workstream"]["slug"] == "care-homes-excellence"
    assert item["data_points"] == [
        {"date": "2024-01-01", "value": 9.25},
        {"date": "2024-02-01", "value": 8.5},
        {"date": "2024-03-01", "value": 6.0},
    ]
    assert item["annotations"] == [{"date": "2024-03-01", "text": "Evening drinks round moved earlier"}]
    detail = get(client, f"/api/v2/measures/{measure.pk}/")
    assert detail["baseline_points"] == 2
    assert detail["definition"] == measure.definition


def test_a_change_idea_names_its_drivers_workstreams_and_evidence(client, care_homes, medicines, note):
    primary = DriverFactory(title="Reliable care processes")
    secondary = DriverFactory(title="Falls prevented by routine", parent=primary)
    idea = ChangeIdeaFactory(
        title="An earlier evening drinks round",
        driver=secondary,
        workstreams=[care_homes, medicines],
        evidence=[note],
    )
    item = get(client, "/api/v2/change-ideas/")["items"][0]
    assert item["id"] == idea.pk
    assert item["title"] == "An earlier evening drinks round"
    assert item["driver"] == {
        "id": secondary.pk,
        "title": "Falls prevented by routine",
        "primary_driver": {"id": primary.pk, "title": "Reliable care processes"},
    }
    assert [w["slug"] for w in item["workstreams"]] == ["care-homes-excellence", "medicines"]
    assert item["evidence"] == [
        {
            "id": note.pk,
            "title": "Moving the tea trolley",
            "type": "Learning note",
            "html_url": "http://localhost/learning/moving-the-tea-trolley/",
            "detail_url": f"http://localhost/api/v2/pages/{note.pk}/",
        }
    ]


def test_fields_can_be_narrowed_the_wagtail_way(client, care_homes):
    MilestoneFactory(workstream=care_homes, title="Only the title")
    item = get(client, "/api/v2/milestones/?fields=_,id,title")["items"][0]
    assert set(item) == {"id", "title"}


def test_knowledge_pages_are_listed_by_the_standard_pages_endpoint(client, note):
    data = get(client, "/api/v2/pages/?type=learning.LearningNotePage")
    assert titles(data) == ["Moving the tea trolley"]


# Filters ------------------------------------------------------------------------


@pytest.fixture
def milestones(care_homes, medicines):
    MilestoneFactory(
        title="Falls huddles in every home",
        workstream=care_homes,
        planned_date=D(2019, 1, 1),
        settings=["care-homes"],
        safety_domains=["past-harm"],
        status_history=[(D(2018, 1, 1), "done")],
    )
    MilestoneFactory(
        title="Peer visits for home care",
        workstream=care_homes,
        planned_date=D(2026, 12, 31),
        settings=["social-care"],
        safety_domains=["integration-and-learning"],
        status_history=[(D(2026, 10, 14), "at-risk")],
    )
    MilestoneFactory(
        title="Joint medication reviews",
        workstream=medicines,
        planned_date=D(2020, 2, 28),
        settings=["care-homes", "general-practice"],
        safety_domains=["reliability", "past-harm"],
        status_history=[(D(2019, 10, 7), "at-risk")],
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Falls huddles in every home", "Joint medication reviews", "Peer visits for home care"]),
        ("?setting=care-homes", ["Falls huddles in every home", "Joint medication reviews"]),
        ("?domain=past-harm", ["Falls huddles in every home", "Joint medication reviews"]),
        ("?workstream=care-homes-excellence", ["Falls huddles in every home", "Peer visits for home care"]),
        ("?status=at-risk", ["Joint medication reviews", "Peer visits for home care"]),
        ("?status=at-risk&setting=care-homes", ["Joint medication reviews"]),
        ("?domain=anticipation-and-preparedness", []),
    ],
)
def test_milestones_filter_by_setting_domain_workstream_and_status(client, milestones, query, expected):
    data = get(client, f"/api/v2/milestones/{query}")
    assert titles(data) == expected
    assert data["meta"]["total_count"] == len(expected)


def test_measures_filter_by_domain_setting_and_workstream(client, care_homes):
    MeasureFactory(name="Falls", safety_domain="past-harm", settings=["care-homes"], workstream=care_homes)
    MeasureFactory(name="Huddles held", safety_domain="sensitivity-to-operations", settings=["acute-hospital"])
    assert titles(get(client, "/api/v2/measures/?domain=past-harm"), "name") == ["Falls"]
    assert titles(get(client, "/api/v2/measures/?setting=acute-hospital"), "name") == ["Huddles held"]
    assert titles(get(client, "/api/v2/measures/?workstream=care-homes-excellence"), "name") == ["Falls"]


def test_workstreams_filter_by_setting_and_domain(client, care_homes, medicines):
    assert titles(get(client, "/api/v2/workstreams/?setting=community-pharmacy")) == ["Medicines"]
    assert titles(get(client, "/api/v2/workstreams/?domain=past-harm")) == ["Care homes excellence"]


def test_change_ideas_take_settings_from_their_workstreams_and_are_listed_once(client, care_homes, medicines):
    both = WorkstreamFactory(title="Also in care homes", settings=["care-homes"])
    ChangeIdeaFactory(title="Tested twice in care homes", workstreams=[care_homes, both])
    ChangeIdeaFactory(title="Tested in pharmacies", workstreams=[medicines])
    data = get(client, "/api/v2/change-ideas/?setting=care-homes")
    assert titles(data) == ["Tested twice in care homes"]
    assert data["meta"]["total_count"] == 1
    assert titles(get(client, "/api/v2/change-ideas/?domain=reliability")) == ["Tested in pharmacies"]
    assert titles(get(client, "/api/v2/change-ideas/?workstream=medicines")) == ["Tested in pharmacies"]


@pytest.mark.parametrize(
    "url, message",
    [
        (
            "/api/v2/milestones/?setting=nowhere",
            "unknown setting 'nowhere'; choose one of: care-homes, general-practice",
        ),
        ("/api/v2/measures/?domain=harm", "unknown domain 'harm'; choose one of: past-harm, reliability"),
        ("/api/v2/change-ideas/?workstream=", "unknown workstream ''; choose one of: care-homes-excellence"),
        ("/api/v2/milestones/?status=finished", "unknown status 'finished'; choose one of: not-started, on-track"),
        ("/api/v2/workstreams/?status=done", "query parameter is not an operation or a filter: status"),
        ("/api/v2/measures/?title=Falls", "query parameter is not an operation or a filter: title"),
    ],
)
def test_a_filter_that_names_nothing_is_a_400_that_says_what_would_work(client, care_homes, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.json()["message"]


# Read-only ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("endpoint", ["workstreams", "milestones", "measures", "change-ideas"])
def test_the_api_cannot_change_anything(client, care_homes, method, endpoint):
    for url in [f"/api/v2/{endpoint}/", f"/api/v2/{endpoint}/{care_homes.pk}/"]:
        response = getattr(client, method)(url, data={"title": "Changed"}, content_type="application/json")
        assert response.status_code == 405, (method, url)
    care_homes.refresh_from_db()
    assert care_homes.title == "Care homes excellence"


# Query budgets -----------------------------------------------------------------


def make_roadmap(count, note, update):
    """``count`` of each roadmap object, each with every relation filled in."""
    primary = DriverFactory()
    for _ in range(count):
        workstream = WorkstreamFactory(
            lead_organisation=OrganisationFactory(),
            settings=["care-homes", "acute-hospital"],
            safety_domains=["past-harm"],
        )
        MilestoneFactory(
            workstream=workstream,
            lead_organisation=workstream.lead_organisation,
            settings=["care-homes"],
            safety_domains=["past-harm", "reliability"],
            status_history=[(D(2025, 1, 1), "on-track"), (D(2026, 10, 1), "at-risk", "Short of staff.", update)],
        )
        MeasureFactory(
            workstream=workstream,
            settings=["care-homes", "acute-hospital"],
            data_points=24,
            annotations=[("2023-03-01", "A change"), ("2023-09-01", "Another")],
        )
        ChangeIdeaFactory(driver=DriverFactory(parent=primary), workstreams=[workstream], evidence=[note, update])


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


BUDGETED = [
    "/api/v2/workstreams/?limit=100",
    "/api/v2/milestones/?limit=100",
    "/api/v2/measures/?limit=100",
    "/api/v2/change-ideas/?limit=100",
    "/api/v2/milestones/?limit=100&setting=care-homes&status=at-risk",
    "/api/v2/change-ideas/?limit=100&domain=past-harm",
]


def test_listings_cost_the_same_queries_for_3_items_as_for_30(client, note, update):
    make_roadmap(3, note, update)
    for url in BUDGETED:
        queries(client, url)  # warm the content type cache, as on a running site
    few = {url: queries(client, url) for url in BUDGETED}
    make_roadmap(27, note, update)
    many = {url: queries(client, url) for url in BUDGETED}
    assert many == few
    assert max(few.values()) <= 10, few
    for url in BUDGETED:
        assert len(get(client, url)["items"]) == 30, url


@pytest.mark.parametrize("name", ["workstreams", "milestones", "measures", "change-ideas"])
def test_the_readme_names_exactly_the_filters_each_endpoint_takes(client, name):
    # The README said every endpoint took ?status=, but change-ideas/ answered 400 to it.
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    documented = re.search(rf"`{name}/` takes ((?:`\?\w+=`(?:, )?)+)", readme)
    filters = list(api_router._endpoints[name].filters)
    assert documented and re.findall(r"`\?(\w+)=`", documented.group(1)) == filters
    for parameter in ("setting", "domain", "workstream", "status"):
        response = client.get(f"/api/v2/{name}/?{parameter}=nothing-by-this-name")
        assert response.status_code == 400
        assert ("not an operation or a filter" in response.json()["message"]) == (parameter not in filters)
