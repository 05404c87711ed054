"""The public roadmap as a reader meets it: driver diagram, milestones, dashboard, measures."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from learning.factories import LearningNotePageFactory
from portal.core import pagecache
from portal.core.factories import restrict_to_members
from portal.core.frontend import FRONTEND_SUPPORTED_SCRIPT
from portal.members.factories import MemberFactory
from portal.roadmap import charts
from portal.roadmap.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    MeasureFactory,
    MilestoneFactory,
    RoadmapPageFactory,
    SecondaryDriverFactory,
    WorkstreamFactory,
)
from portal.roadmap.models import ChangeIdeaEvidence, DataPoint, Measure
from portal.roadmap.services import Quarter, build_chart, quarter_summary
from portal.taxonomy.factories import OrganisationFactory
from portal.updates.factories import UpdatePageFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def roadmap(home):
    return RoadmapPageFactory(parent=home)


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(element):
    return " ".join(element.get_text().split())


def breadcrumb(page):
    return [text_of(link) for link in page.select(".nhsuk-breadcrumb__link")]


# The roadmap page and its driver diagram ----------------------------------------------


@pytest.fixture
def diagram(learning_index):
    falls = WorkstreamFactory(title="Care homes", slug="care-homes-work")
    culture = WorkstreamFactory(title="Safer Culture")
    primary = DriverFactory(title="Reliable care in every setting", sort_order=1)
    other_primary = DriverFactory(title="A culture of learning", sort_order=2)
    secondary = SecondaryDriverFactory(title="Falls prevention", parent=primary)
    note = LearningNotePageFactory(parent=learning_index, title="Night checks cut falls")
    draft = LearningNotePageFactory(parent=learning_index, title="Draft note about falls")
    draft.unpublish()
    idea = ChangeIdeaFactory(
        title="Hourly comfort rounds", driver=secondary, workstreams=[falls, culture], evidence=[note, draft]
    )
    return {"primary": primary, "other": other_primary, "secondary": secondary, "idea": idea, "note": note}


def nesting_of(page, heading_text):
    """How many lists of the driver diagram a heading sits inside."""
    heading = next(
        h
        for h in page.select(".driver-diagram h3, .driver-diagram h4, .driver-diagram h5")
        if heading_text in text_of(h)
    )
    return heading.name, len(heading.find_parents("ul"))


def test_roadmap_shows_the_driver_diagram_as_nested_lists(client, roadmap, diagram):
    page = soup(client.get(roadmap.url))
    assert nesting_of(page, "Reliable care in every setting") == ("h3", 1)
    assert nesting_of(page, "Falls prevention") == ("h4", 2)
    assert nesting_of(page, "Hourly comfort rounds") == ("h5", 3)
    primaries = [text_of(h) for h in page.select(".driver-diagram__list--primary > li > div > h3")]
    assert primaries == ["Primary driver: Reliable care in every setting", "Primary driver: A culture of learning"]
    # The secondary driver sits in its own primary driver's branch, not the other one.
    branch = page.select_one(f"#driver-{diagram['primary'].pk}-branch")
    assert "Falls prevention" in text_of(branch)
    assert "No secondary drivers yet." in text_of(page.select(".driver-diagram__branch--primary")[1])
    assert page.select_one('script[src$="js/driver-diagram.js"][type="module"]')
    # The only inline script is the design system's one line, which the policy allows by its hash.
    inline = [script.string for script in page.select("script:not([src])")]
    assert inline == [FRONTEND_SUPPORTED_SCRIPT], "no inline scripts of the roadmap's own: the CSP is strict"
    assert not page.select("[style]"), "no inline styles: a strict CSP is coming"


def test_a_change_idea_links_its_workstreams_timelines_and_live_evidence(client, roadmap, diagram):
    page = soup(client.get(roadmap.url))
    idea = page.select_one(f"#change-idea-{diagram['idea'].pk}")
    links = {text_of(a): a["href"] for a in idea.select("a")}
    assert links == {
        "Care homes (its milestones)": "/roadmap/milestones/?workstream=care-homes-work",
        "Safer Culture (its milestones)": "/roadmap/milestones/?workstream=safer-culture",
        "Night checks cut falls": diagram["note"].url,
        # Spread (issue 18): how many organisations test and have adopted it, linking to its page.
        f"Testing in 0 organisations, adopted in 0: who, and their learning, for {diagram['idea'].title}": (
            f"/roadmap/change-ideas/{diagram['idea'].slug}/"
        ),
    }
    assert "Tested by Care homes (its milestones) and Safer Culture (its milestones)" in text_of(idea)
    assert "(learning note)" in text_of(idea)
    assert "Draft note about falls" not in text_of(idea)


def test_the_driver_diagram_is_a_closed_details_that_counts_what_is_inside(client, roadmap, diagram):
    page = soup(client.get(roadmap.url))
    details = page.select_one(".driver-diagram details.driver-diagram__details")
    assert details is not None and not details.has_attr("open")
    assert details.has_attr("data-open-on-wide")
    assert text_of(details.select_one("summary")).startswith("Open the driver diagram: 2 primary drivers, ")
    assert details.select(".driver-diagram__list--primary > li")


def test_roadmap_keeps_its_aim_body_and_links_to_the_other_views(client, roadmap):
    page = soup(client.get(roadmap.url))
    assert "Every health and care setting in the city measurably safer." in text_of(page.select_one("main"))
    hrefs = {a["href"] for a in page.select(".nhsuk-contents-list a")}
    assert hrefs == {"/roadmap/milestones/", "/roadmap/dashboard/", "/roadmap/measures/"}
    assert "The driver diagram has not been published yet." in text_of(page)


# Milestones ------------------------------------------------------------------------------


@pytest.fixture
def timeline(update_index):
    culture = WorkstreamFactory(title="Safer Culture", sort_order=1)
    homes = WorkstreamFactory(
        title="Care homes", sort_order=2, lead_organisation=OrganisationFactory(name="City Council")
    )
    update = UpdatePageFactory(parent=update_index, title="Spring update")
    return {
        "culture": culture,
        "homes": homes,
        "update": update,
        "debrief": MilestoneFactory(
            title="Debriefs in ten practices",
            workstream=culture,
            planned_date=datetime.date(2024, 9, 1),
            settings=["general-practice"],
            safety_domains=["anticipation-and-preparedness"],
            status_history=[
                ("2024-01-10", "on-track", "Practices recruited."),
                ("2024-04-02", "at-risk", "Two practices withdrew.", update),
            ],
        ),
        "survey": MilestoneFactory(
            title="Culture survey in ten practices",
            workstream=culture,
            planned_date=datetime.date(2024, 3, 1),
            actual_date=datetime.date(2024, 3, 20),
            settings=["general-practice"],
            status_history=[("2024-03-20", "done", "All ten practices took part.")],
        ),
        "visits": MilestoneFactory(
            title="Peer visits between care homes",
            workstream=homes,
            planned_date=datetime.date(2024, 6, 1),
            settings=["care-homes"],
            safety_domains=["integration-and-learning"],
        ),
    }


def milestone_titles(page):
    return [text_of(h) for h in page.select(".roadmap-timeline h3")]


def test_milestones_are_grouped_by_workstream_in_planned_date_order(client, roadmap, timeline):
    page = soup(client.get("/roadmap/milestones/"))
    assert [text_of(h) for h in page.select(".roadmap-workstream > h2")] == ["Safer Culture", "Care homes"]
    assert milestone_titles(page) == [
        "Culture survey in ten practices",
        "Debriefs in ten practices",
        "Peer visits between care homes",
    ]
    assert "3 milestones" in text_of(page.select_one(".portal-count"))
    assert breadcrumb(page) == ["Home", "Roadmap"]


def test_milestones_come_six_to_a_page_with_workstream_counts_and_the_filters_kept(client, roadmap, timeline):
    for n in range(7):
        MilestoneFactory(
            title=f"Homes step {n}",
            workstream=timeline["homes"],
            planned_date=datetime.date(2025, 1, n + 1),
            settings=["care-homes"],
        )
    MilestoneFactory(title="Elsewhere", workstream=timeline["homes"], settings=["general-practice"])
    first = soup(client.get("/roadmap/milestones/"))
    assert "11 milestones, page 1 of 2" in text_of(first.select_one(".portal-count"))
    assert len(milestone_titles(first)) == 6
    assert [text_of(li) for li in first.select(".roadmap-workstream-index li")] == [
        "Safer Culture (2 milestones)",
        "Care homes (9 milestones)",
    ]
    assert first.select_one(".roadmap-workstream-index a")["href"] == "?workstream=safer-culture"

    second = soup(client.get("/roadmap/milestones/", {"page": 2}))
    assert [text_of(h) for h in second.select(".roadmap-workstream > h2")] == ["Care homes (continued)"]
    assert len(milestone_titles(second)) == 5

    filtered = soup(client.get("/roadmap/milestones/", {"setting": "care-homes"}))
    next_link = filtered.select_one(".nhsuk-pagination__next a")
    assert next_link["href"] == "?setting=care-homes&page=2"
    assert "8 milestones, page 1 of 2" in text_of(filtered.select_one(".portal-count"))
    assert not soup(client.get("/roadmap/milestones/", {"page": "x"})).select(".nhsuk-error-summary")


def test_what_changed_links_to_the_timeline_page_its_milestone_is_on(client, roadmap, timeline):
    today = timezone.localdate()
    late = None
    for n in range(7):
        late = MilestoneFactory(
            title=f"Homes step {n}",
            workstream=timeline["homes"],
            planned_date=datetime.date(2030, 1, n + 1),
            status_history=[(today, "on-track", "Started.")],
        )
    page = soup(client.get("/roadmap/milestones/"))
    link = page.select_one(f'.roadmap-quarter a[href$="#milestone-{late.pk}"]')
    assert link["href"] == f"/roadmap/milestones/?page=2#milestone-{late.pk}"
    target = soup(client.get("/roadmap/milestones/?page=2")).select_one(f"#milestone-{late.pk}")
    assert target is not None


def test_a_milestone_shows_status_dates_lead_and_history(client, roadmap, timeline):
    page = soup(client.get("/roadmap/milestones/"))
    debrief = page.select_one(f"#milestone-{timeline['debrief'].pk}")
    assert text_of(debrief.select_one(".roadmap-status")) == "Status: At risk"
    assert "nhsuk-tag--red" in debrief.select_one(".roadmap-status")["class"]
    assert "Planned for 1 September 2024" in text_of(debrief)
    assert "Reached Not yet" in text_of(debrief)
    assert "Care settings and safety domains Care setting: General practice Safety domain: Anticipation" in text_of(
        debrief
    )
    history = [text_of(li) for li in debrief.select(".roadmap-history li")]
    assert history == [
        "10 January 2024: Status: On track Practices recruited.",
        "2 April 2024: Status: At risk Two practices withdrew. Read the update: Spring update",
    ]
    assert debrief.select_one(".roadmap-history a")["href"] == timeline["update"].url
    survey = page.select_one(f"#milestone-{timeline['survey'].pk}")
    assert "Reached 20 March 2024" in text_of(survey)
    visits = page.select_one(f"#milestone-{timeline['visits'].pk}")
    assert "Status: Not started" in text_of(visits)
    assert "Lead organisation City Council" in text_of(visits)  # the workstream's, as the milestone names none


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?workstream=care-homes", ["Peer visits between care homes"]),
        ("?status=at-risk", ["Debriefs in ten practices"]),
        ("?setting=general-practice", ["Culture survey in ten practices", "Debriefs in ten practices"]),
        ("?domain=integration-and-learning", ["Peer visits between care homes"]),
        ("?setting=general-practice&status=done", ["Culture survey in ten practices"]),
        ("?workstream=care-homes&status=done", []),
    ],
)
def test_milestone_filters_narrow_the_timeline(client, roadmap, timeline, query, expected):
    assert milestone_titles(soup(client.get("/roadmap/milestones/" + query))) == expected


def test_active_milestone_filters_are_chips_that_remove_themselves(client, roadmap, timeline):
    page = soup(client.get("/roadmap/milestones/?setting=general-practice&status=done"))
    chips = {text_of(a): a["href"] for a in page.select(".portal-active-filters .portal-term")}
    assert chips == {
        "Care setting: General practice (remove this filter)×": "?status=done",
        "Status: Done (remove this filter)×": "?setting=general-practice",
    }
    assert "No milestones match these filters" in text_of(
        soup(client.get("/roadmap/milestones/?workstream=care-homes&status=done"))
    )


def test_filtered_milestones_put_the_count_and_filters_in_the_title_and_send_focus_to_the_count(
    client, roadmap, timeline
):
    page = soup(client.get("/roadmap/milestones/?status=done"))
    count = text_of(page.select_one("#milestone-count"))
    assert count.endswith("milestone") or count.endswith("milestones")
    assert page.title.string.startswith(f"{count} (Status: Done) – Milestones: Roadmap")
    assert page.select_one("form.portal-filters")["data-focus-after"] == "milestone-count"
    assert page.select_one(".portal-active-filters")["data-focus-after"] == "milestone-count"
    assert soup(client.get("/roadmap/milestones/")).title.string.startswith("Milestones: Roadmap")


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?status=nonsense", "status", "There is no status with that name. Showing every status instead."),
        (
            "?workstream=nonsense",
            "workstream",
            "There is no workstream with that name. Showing all workstreams instead.",
        ),
        (
            "?setting=" + HOSTILE,
            "setting",
            "There is no care setting with that name. Showing all care settings instead.",
        ),
    ],
)
def test_an_unknown_milestone_filter_is_explained_next_to_its_field_and_ignored(
    client, roadmap, timeline, query, field, message
):
    response = client.get("/roadmap/milestones/" + query)
    page = soup(response)
    assert text_of(page.select_one(f"#id_{field}_error")) == f"Error: {message}"
    assert len(milestone_titles(page)) == 3
    assert not page.select(".portal-active-filters")
    assert HOSTILE not in response.content.decode()


def test_what_changed_this_quarter_lists_this_quarters_status_changes(client, roadmap, timeline):
    today = timezone.localdate()
    MilestoneFactory(
        title="Leadership course starts",
        workstream=timeline["culture"],
        status_history=[(today, "on-track", "First cohort booked.", timeline["update"])],
    )
    page = soup(client.get("/roadmap/milestones/"))
    summary = page.select_one(".roadmap-quarter")
    assert f"Milestones whose status changed in {Quarter.of(today)}" in text_of(summary)
    changes = summary.select(".roadmap-quarter__changes li")
    assert len(changes) == 1
    assert "Leadership course starts (Safer Culture) is now Status: On track First cohort booked." in text_of(
        changes[0]
    )
    assert changes[0].select("a")[-1]["href"] == timeline["update"].url


def test_what_changed_falls_back_to_the_latest_quarter_with_changes_and_names_it(client, roadmap, timeline):
    page = soup(client.get("/roadmap/milestones/"))
    summary = text_of(page.select_one(".roadmap-quarter"))
    assert "No milestone has changed status so far this quarter." in summary
    assert "The most recent changes were in April to June 2024" in summary
    assert "Two practices withdrew." in summary
    assert "Practices recruited." not in summary  # January: an earlier quarter


def test_quarter_summary_picks_the_quarter(timeline):
    assert str(Quarter.of(datetime.date(2024, 11, 30))) == "October to December 2024"
    assert Quarter(2024, 1).end == datetime.date(2024, 3, 31)
    in_quarter = quarter_summary(datetime.date(2024, 3, 31))
    assert in_quarter.is_current
    assert [change.reason for change in in_quarter.changes] == ["All ten practices took part.", "Practices recruited."]
    later = quarter_summary(datetime.date(2025, 2, 1))
    assert not later.is_current and str(later.quarter) == "April to June 2024"
    assert quarter_summary(datetime.date(2023, 12, 31)).changes == []


# The dashboard ---------------------------------------------------------------------------


def dashboard_cell(page, domain_name, setting_name):
    headers = [text_of(th) for th in page.select(".roadmap-dashboard thead th")]
    column = headers.index(setting_name)
    for row in page.select(".roadmap-dashboard tbody tr"):
        if text_of(row.select_one("th")).startswith(domain_name):
            return row.select("th, td")[column]
    raise AssertionError(f"no row for {domain_name}")


def test_dashboard_puts_each_measure_in_its_domain_row_under_each_of_its_settings(client, roadmap):
    falls = MeasureFactory(
        name="Falls with harm",
        unit="per 1,000 bed days",
        safety_domain="past-harm",
        settings=["care-homes", "acute-hospital"],
        direction=Measure.Direction.LOWER,
        data_points=[1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5.25],
    )
    MeasureFactory(
        name="Safety huddles held", unit="%", safety_domain="sensitivity-to-operations", settings=["care-homes"]
    )
    page = soup(client.get("/roadmap/dashboard/"))
    headers = [text_of(th) for th in page.select(".roadmap-dashboard thead th")]
    assert headers == ["Safety domain", "Care homes", "Acute hospital"]  # only settings that have measures
    rows = [text_of(th) for th in page.select(".roadmap-dashboard tbody th")]
    assert rows[0] == "Past harm Has patient care been safe in the past?"
    assert len(rows) == 5
    for setting in ("Care homes", "Acute hospital"):
        cell = dashboard_cell(page, "Past harm", setting)
        assert cell.select_one("a")["href"] == f"/roadmap/measures/{falls.slug}/"
        assert "Latest: 5.25 per 1,000 bed days (December 2023)" in text_of(cell)
        assert text_of(cell.select_one(".roadmap-signal")) == (
            "Concern: a run of 6 above the average from July 2023 to December 2023"
        )
        assert text_of(cell.select_one(".roadmap-dashboard__term")) == "Chart rule: shift"
    huddles = dashboard_cell(page, "Sensitivity to operations", "Care homes")
    assert "Safety huddles held No data yet No signal" in text_of(huddles)
    assert "No measures" in text_of(dashboard_cell(page, "Reliability", "Care homes"))
    assert "No measures yet for: General practice" in text_of(page)
    assert breadcrumb(page) == ["Home", "Roadmap"]


def test_dashboard_signal_reads_improvement_when_the_better_way_moves(client, roadmap):
    MeasureFactory(
        name="Medicines reviews done",
        direction=Measure.Direction.HIGHER,
        data_points=[1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5],
    )
    MeasureFactory(name="Steady measure", data_points=[3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4])
    page = soup(client.get("/roadmap/dashboard/"))
    signals = {
        text_of(li.select_one("a")): text_of(li.select_one(".roadmap-signal"))
        for li in page.select(".roadmap-dashboard__measure")
    }
    assert signals["Medicines reviews done"] == (
        "Improvement: a run of 6 above the average from July 2023 to December 2023"
    )
    assert signals["Steady measure"] == (
        "Signal: more ups and downs than chance would give from January 2023 to December 2023"
    )
    assert "astronomical" not in text_of(page.select_one(".roadmap-dashboard .roadmap-signal"))


def test_dashboard_names_an_unusual_value_in_plain_words_with_the_chart_rule_beside_it(client, roadmap):
    MeasureFactory(name="Falls", direction=Measure.Direction.LOWER, data_points=[5, 6, 5, 6, 5, 6, 5, 6, 5, 40])
    [measure] = soup(client.get("/roadmap/dashboard/")).select(".roadmap-dashboard__measure")
    assert text_of(measure.select_one(".roadmap-signal")) == "Concern: an unusually high value in October 2023"
    assert text_of(measure.select_one(".roadmap-dashboard__term")) == "Chart rule: astronomical point"


def test_dashboard_says_when_an_old_signal_happened_so_it_is_not_read_as_the_latest_value(client, roadmap):
    # The unusual value is the third; the latest (December 2023) is ordinary.
    MeasureFactory(name="Admissions", direction=Measure.Direction.LOWER, data_points=[5, 6, 40, 6, 5, 6, 5, 6, 5, 6])
    [measure] = soup(client.get("/roadmap/dashboard/")).select(".roadmap-dashboard__measure")
    assert "(October 2023)" in text_of(measure.select_one(".roadmap-dashboard__value"))
    assert text_of(measure.select_one(".roadmap-signal")) == "Concern: an unusually high value in March 2023"


def months_before(today, months):
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return datetime.date(year, month + 1, 1)


@pytest.mark.parametrize(
    "frequency, months_old, stale",
    [
        (Measure.Frequency.MONTHLY, 3, False),
        (Measure.Frequency.MONTHLY, 4, True),
        (Measure.Frequency.QUARTERLY, 6, False),
        (Measure.Frequency.QUARTERLY, 7, True),
        (Measure.Frequency.YEARLY, 18, False),
        (Measure.Frequency.YEARLY, 19, True),
    ],
)
def test_dashboard_shows_each_values_age_and_says_when_it_is_out_of_date(client, roadmap, frequency, months_old, stale):
    today = timezone.localdate()
    latest = months_before(today, months_old)
    MeasureFactory(
        name="Falls",
        frequency=frequency,
        data_points=[(months_before(today, months_old + 1), 4), (latest, 5)],
    )
    [measure] = soup(client.get("/roadmap/dashboard/")).select(".roadmap-dashboard__measure")
    month = f"{latest:%B %Y}"
    assert f"Latest: 5 per 1,000 occupied bed days ({month})" in text_of(measure)
    warning = measure.select_one(".roadmap-dashboard__stale")
    if stale:
        assert text_of(warning) == f"Out of date: no new value since {month}; expected {frequency.label.lower()}"
    else:
        assert warning is None


def test_dashboard_without_measures_says_so(client, roadmap):
    assert "No measures have been published yet." in text_of(soup(client.get("/roadmap/dashboard/")))


# Measures ---------------------------------------------------------------------------------


@pytest.fixture
def falls():
    return MeasureFactory(
        name="Falls in care homes",
        slug="falls-in-care-homes",
        definition="Falls recorded by care homes, per 1,000 occupied bed days.",
        unit="per 1,000 bed days",
        safety_domain="past-harm",
        settings=["care-homes"],
        data_points=24,
        baseline_points=12,
        annotations=[("2023-07-01", "New falls protocol")],
    )


def test_measure_list_groups_measures_by_domain(client, roadmap, falls):
    MeasureFactory(name="Bundle compliance", safety_domain="reliability")
    page = soup(client.get("/roadmap/measures/"))
    assert [text_of(h) for h in page.select("main h2:not(.nhsuk-u-visually-hidden)")] == ["Past harm", "Reliability"]
    assert page.select_one(f'a[href="/roadmap/measures/{falls.slug}/"]')
    assert breadcrumb(page) == ["Home", "Roadmap"]


def test_measure_page_shows_definition_chart_summary_and_data(client, roadmap, falls):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/"))
    main = text_of(page.select_one("main"))
    assert text_of(page.select_one("h1")) == "Falls in care homes"
    for fact in (
        "Unit per 1,000 bed days",
        "Safety domain Past harm: Has patient care been safe in the past?",
        "Care settings Care setting: Care homes",
        "Which way is better Lower is better",
        "Chart Run chart (median)",
    ):
        assert fact in main
    svg = page.select_one("figure.roadmap-chart svg")
    assert svg["role"] == "img"
    chart = build_chart(falls, list(falls.data_points.all()), baseline_points=12)
    assert text_of(page.select_one(".roadmap-summary p")).endswith(charts.summary(chart))
    assert "worked out from the first 12 of 24 points" in text_of(page.select_one("figcaption"))
    table = page.select_one(".roadmap-data table")
    assert text_of(table.select_one("caption")).startswith("Data for Falls in care homes (per 1,000 bed days)")
    assert [text_of(th) for th in table.select("thead th")] == ["Month", "Value", "Median", "Signals"]
    assert len(table.select("tbody tr")) == 24
    assert text_of(table.select("tbody tr")[0].select_one("th time")) == "January 2023"
    assert "1 July 2023: New falls protocol" in text_of(page.select_one("main"))
    assert breadcrumb(page) == ["Home", "Roadmap", "Measures"]


def test_xmr_measure_page_adds_moving_range_and_limits(client, roadmap):
    MeasureFactory(name="Pressure ulcers", slug="pressure-ulcers", chart_type=Measure.ChartType.XMR, data_points=12)
    table = soup(client.get("/roadmap/measures/pressure-ulcers/")).select_one(".roadmap-data table")
    assert [text_of(th) for th in table.select("thead th")] == [
        "Month",
        "Value",
        "Mean",
        "Moving range",
        "Lower limit",
        "Upper limit",
        "Signals",
    ]
    assert "None (first point)" in text_of(table.select("tbody tr")[0])


def test_baseline_form_recalculates_the_centre_line(client, roadmap, falls):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/?baseline=6"))
    assert "worked out from the first 6 of 24 points" in text_of(page.select_one("figcaption"))
    chart = build_chart(falls, list(falls.data_points.all()), baseline_points=6)
    assert text_of(page.select_one(".roadmap-summary p")).endswith(charts.summary(chart))
    assert page.select_one("#id_baseline")["value"] == "6"
    assert page.select_one('a[href="/roadmap/measures/falls-in-care-homes/"]').text.startswith("Go back")


@pytest.mark.parametrize("value", ["1", "25", "abc", "-3", "2.5", HOSTILE])
def test_a_bad_baseline_is_explained_and_the_measures_own_baseline_used(client, roadmap, falls, value):
    response = client.get("/roadmap/measures/falls-in-care-homes/", {"baseline": value})
    page = soup(response)
    assert text_of(page.select_one("#id_baseline_error")) == (
        "Error: Enter a whole number from 2 to 24. Showing the measure's usual baseline instead."
    )
    assert "worked out from the first 12 of 24 points" in text_of(page.select_one("figcaption"))
    assert HOSTILE not in response.content.decode()


@pytest.mark.parametrize("value", ["1", "abc", HOSTILE])
def test_a_bad_baseline_gets_the_error_summary_an_error_title_and_keeps_what_was_typed(client, roadmap, falls, value):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/", {"baseline": value}))
    assert page.title.string.startswith("Error: Falls in care homes")
    summary = page.select_one(".nhsuk-error-summary[data-module=nhsuk-error-summary]")
    [link] = summary.select("a")
    assert link["href"] == "#id_baseline"
    assert text_of(link).startswith("Number of points in the baseline: Enter a whole number from 2 to 24.")
    field = page.select_one("#id_baseline")
    assert (field["type"], field["value"], field["inputmode"]) == ("text", value, "numeric")


def test_a_good_baseline_has_no_error_summary(client, roadmap, falls):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/?baseline=6"))
    assert not page.select(".nhsuk-error-summary")
    assert not page.title.string.startswith("Error")


def test_the_chart_is_drawn_wide_and_narrow_each_named_once_and_nothing_is_a_tab_stop(client, roadmap, falls):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/"))
    figure = page.select_one("figure.roadmap-chart")
    wide, narrow = figure.select("svg.spc-chart")
    assert "spc-chart--wide" in wide["class"] and "spc-chart--narrow" in narrow["class"]
    for svg in (wide, narrow):
        assert svg["aria-labelledby"] == svg.select_one("title")["id"], "named by its title alone"
        assert svg["aria-describedby"] == svg.select_one("desc")["id"], "described by its desc, once"
    assert wide.select_one("title")["id"] != narrow.select_one("title")["id"]
    assert not figure.select("[tabindex]") and not figure.select("[role=region]"), "nothing there scrolls"


def test_events_are_numbered_under_the_chart_as_on_it(client, roadmap, falls):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/"))
    [item] = page.select("ol.roadmap-events li")
    assert text_of(item) == "1Event 1: 1 July 2023: New falls protocol"  # the first 1 is hidden from screen readers
    marker = page.select_one("svg.spc-chart--narrow g.spc-annotation")
    assert text_of(marker.select_one("text")) == "1"
    assert text_of(marker.select_one("title")) == "1. July 2023: New falls protocol"


def test_a_measure_page_says_near_the_top_and_in_its_summary_when_its_data_are_out_of_date(client, roadmap, falls):
    # The fixture's 24 monthly values run January 2023 to December 2024: long out of date by now.
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/"))
    notice = page.select_one(".nhsuk-warning-callout.roadmap-stale")
    assert text_of(notice).startswith("Important: Out of date No new value since December 2024; expected monthly.")
    first_headings = [text_of(h) for h in page.select("main h1, main h2")][:2]
    assert first_headings == ["Falls in care homes", "Important: Out of date"], "straight under the title"
    assert text_of(page.select_one(".roadmap-summary p")).startswith(
        "Out of date: no new value since December 2024; expected monthly. The latest value, "
    )


def test_a_measure_page_with_recent_data_has_no_out_of_date_notice(client, roadmap):
    today = timezone.localdate()
    MeasureFactory(
        name="Fresh", slug="fresh", data_points=[(months_before(today, n), 5 + n % 2) for n in range(6, 0, -1)]
    )
    page = soup(client.get("/roadmap/measures/fresh/"))
    assert not page.select(".roadmap-stale")
    assert "Out of date" not in text_of(page.select_one(".roadmap-summary"))


def test_the_figures_are_a_closed_details_and_each_signal_is_described_once(client, roadmap):
    # Six low then six high: a shift each side of the median.
    MeasureFactory(name="Falls", slug="falls", direction=Measure.Direction.LOWER, data_points=[1] * 6 + [5] * 6)
    page = soup(client.get("/roadmap/measures/falls/"))
    details = page.select_one("details.roadmap-data")
    assert details.get("open") is None and details.has_attr("data-open-on-wide")
    assert text_of(details.select_one("summary")) == "Show the figures: 12 months"
    assert details.select_one("table caption")
    assert [text_of(li) for li in page.select(".roadmap-signal-list li")] == [
        "6 points below the median from January 2023: a shift.",
        "2 runs around the median where 4 to 10 are expected: too few runs.",
        "6 points above the median from July 2023: a shift.",
    ]
    cells = [
        text_of(td.select("span")[-1]) if td.select("span")[1:] else ""
        for td in details.select("td.roadmap-data__signals")
    ]
    assert cells[0] == "Signal 1: shift" and cells[11] == "Signal 3: shift"
    assert "median" not in " ".join(cells), "the description is not repeated on every row"


@pytest.mark.parametrize(
    "chart_type, terms",
    [
        (
            Measure.ChartType.RUN,
            [
                "Run chart",
                "Median",
                "Baseline",
                "Signal",
                "Shift",
                "Trend",
                "Runs around the median",
                "Astronomical point",
            ],
        ),
        (
            Measure.ChartType.XMR,
            [
                "XmR chart",
                "Mean",
                "Moving range",
                "Upper and lower process limits",
                "Baseline",
                "Signal",
                "Outside the process limits",
                "Shift",
                "Trend",
                "Two of three points in the outer third",
            ],
        ),
    ],
)
def test_a_measure_page_explains_its_charts_terms_in_plain_words(client, roadmap, chart_type, terms):
    MeasureFactory(name="Falls", slug="falls", chart_type=chart_type, data_points=12)
    page = soup(client.get("/roadmap/measures/falls/"))
    glossary = page.select_one("details.roadmap-terms")
    assert text_of(glossary.select_one("summary")) == "What the chart's lines and signals mean"
    assert [text_of(dt) for dt in glossary.select("dt")] == terms
    assert all(len(text_of(dd)) > 40 for dd in glossary.select("dd"))


def test_after_a_new_baseline_focus_goes_to_the_chart_heading_but_not_after_a_bad_one(client, roadmap, falls):
    page = soup(client.get("/roadmap/measures/falls-in-care-homes/?baseline=6"))
    assert page.select_one("form.roadmap-baseline")["data-focus-after"] == "chart-heading"
    assert text_of(page.select_one("#chart-heading")) == "What the data show"
    bad = soup(client.get("/roadmap/measures/falls-in-care-homes/?baseline=abc"))
    assert not bad.select("#chart-heading"), "focus stays with the error summary"


def test_a_measure_without_data_says_so(client, roadmap):
    MeasureFactory(name="New measure", slug="new-measure")
    page = soup(client.get("/roadmap/measures/new-measure/"))
    assert "There are no data for this measure yet." in text_of(page)
    assert not page.select("svg.spc-chart")


@pytest.mark.parametrize(
    "url", ["/roadmap/measures/no-such-measure/", "/roadmap/nothing-here/", "/roadmap/milestones/x/"]
)
def test_unknown_roadmap_addresses_are_not_found(client, roadmap, url):
    assert client.get(url).status_code == 404


# Hostile text is shown as text ------------------------------------------------------------------


def test_text_from_editors_is_escaped_everywhere(client, roadmap, update_index):
    workstream = WorkstreamFactory(title=f"Workstream {HOSTILE}", description=HOSTILE)
    primary = DriverFactory(title=f"Primary {HOSTILE}", description=HOSTILE)
    secondary = SecondaryDriverFactory(title=f"Secondary {HOSTILE}", parent=primary)
    ChangeIdeaFactory(title=f"Idea {HOSTILE}", description=HOSTILE, driver=secondary, workstreams=[workstream])
    MilestoneFactory(
        title=f"Milestone {HOSTILE}",
        description=HOSTILE,
        workstream=workstream,
        status_history=[(timezone.localdate(), "at-risk", HOSTILE)],
    )
    MeasureFactory(
        name=f"Measure {HOSTILE}",
        slug="hostile",
        definition=HOSTILE,
        unit=HOSTILE,
        workstream=workstream,
        data_points=12,
        annotations=[("2023-03-01", HOSTILE)],
    )
    for url in (
        "/roadmap/",
        "/roadmap/milestones/",
        "/roadmap/dashboard/",
        "/roadmap/measures/",
        "/roadmap/measures/hostile/",
    ):
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


# Query budgets -------------------------------------------------------------------------------------


def make_diagram(size, learning_index):
    for _ in range(size):
        primary = DriverFactory()
        secondary = SecondaryDriverFactory(parent=primary)
        ChangeIdeaFactory(
            driver=secondary,
            workstreams=[WorkstreamFactory(), WorkstreamFactory()],
            evidence=[LearningNotePageFactory(parent=learning_index)],
        )


def first_view_queries(client, url):
    """Queries of the first view after a content change, when nothing kept can be used."""
    pagecache.bump_generation()
    return count_queries(client, url)


def test_roadmap_page_query_count_does_not_grow_with_the_diagram(client, roadmap, learning_index):
    make_diagram(3, learning_index)
    client.get(roadmap.url)  # warm per-process caches (content types, site root paths)
    small = first_view_queries(client, roadmap.url)
    kept = count_queries(client, roadmap.url)
    make_diagram(27, learning_index)
    assert first_view_queries(client, roadmap.url) == small
    assert count_queries(client, roadmap.url) == kept < small


def test_milestones_query_count_does_not_grow_with_the_timeline(client, roadmap, update_index):
    update = UpdatePageFactory(parent=update_index)
    today = timezone.localdate()

    def make(count):
        for _ in range(count):
            MilestoneFactory(
                settings=["care-homes", "general-practice"],
                safety_domains=["past-harm"],
                lead_organisation=OrganisationFactory(),
                status_history=[
                    ("2024-01-01", "on-track", "Started.", update),
                    (today, "at-risk", "Slipping.", update),
                ],
            )

    make(3)
    client.get("/roadmap/milestones/?setting=care-homes")
    small = first_view_queries(client, "/roadmap/milestones/?setting=care-homes")
    kept = count_queries(client, "/roadmap/milestones/?setting=care-homes")
    make(27)
    assert first_view_queries(client, "/roadmap/milestones/?setting=care-homes") == small
    assert count_queries(client, "/roadmap/milestones/?setting=care-homes") == kept


def test_dashboard_and_measure_list_query_counts_do_not_grow_with_measures(client, roadmap):
    def make(count):
        for _ in range(count):
            MeasureFactory(settings=["care-homes", "acute-hospital"], data_points=24)

    make(2)
    client.get("/roadmap/dashboard/")
    small = {url: first_view_queries(client, url) for url in ("/roadmap/dashboard/", "/roadmap/measures/")}
    kept = {url: count_queries(client, url) for url in small}
    make(10)
    assert {url: first_view_queries(client, url) for url in small} == small
    assert {url: count_queries(client, url) for url in small} == kept


def test_measure_page_query_count_does_not_grow_with_points(client, roadmap):
    MeasureFactory(slug="short", data_points=12, annotations=[("2023-02-01", "One")])
    MeasureFactory(slug="long", data_points=96, annotations=[("2023-02-01", "One"), ("2024-02-01", "Two")])
    client.get("/roadmap/measures/short/")
    short = first_view_queries(client, "/roadmap/measures/short/")
    assert first_view_queries(client, "/roadmap/measures/long/") == short
    # Viewed again, the chart and figures are kept: fewer queries, the same for both.
    client.get("/roadmap/measures/short/")
    assert count_queries(client, "/roadmap/measures/long/") == count_queries(client, "/roadmap/measures/short/") < short


# Kept until content changes ---------------------------------------------------------
# The driver diagram and a measure's chart and figures are kept under the content
# generation (RoadmapPage.kept): each change that alters them must show at once.


def diagram_node_texts(client, roadmap):
    return [text_of(node) for node in soup(client.get(roadmap.url)).select(".driver-diagram__node")]


def test_the_kept_driver_diagram_follows_edits_and_unpublishing_at_once(client, roadmap, diagram):
    before = diagram_node_texts(client, roadmap)
    assert any("Night checks cut falls" in text for text in before)
    diagram["idea"].title = "Comfort rounds every hour"
    diagram["idea"].save()
    diagram["note"].unpublish()
    after = " ".join(diagram_node_texts(client, roadmap))
    assert "Comfort rounds every hour" in after and "Hourly comfort rounds" not in after
    assert "Night checks cut falls" not in after


def test_the_kept_driver_diagram_is_the_same_for_members_and_never_shows_member_only_pages(
    client, roadmap, diagram, learning_index
):
    hidden = LearningNotePageFactory(parent=learning_index, title="Members-only falls note")
    restrict_to_members(hidden)
    ChangeIdeaEvidence.objects.create(change_idea=diagram["idea"], page=hidden)
    client.force_login(MemberFactory())
    as_member = diagram_node_texts(client, roadmap)  # the member's view is the one kept
    client.logout()
    assert diagram_node_texts(client, roadmap) == as_member
    assert "Members-only falls note" not in " ".join(as_member)


def test_a_preview_of_a_new_aim_is_neither_served_from_nor_kept_for_the_live_diagram(client, roadmap, diagram):
    live_aim = roadmap.aim
    assert text_of(soup(client.get(roadmap.url)).select_one(".driver-diagram__node--aim")).endswith(live_aim)
    roadmap.aim = "A draft aim nobody has published"
    preview = soup(roadmap.make_preview_request())
    assert text_of(preview.select_one(".driver-diagram__node--aim")).endswith("A draft aim nobody has published")
    assert text_of(soup(client.get(roadmap.url)).select_one(".driver-diagram__node--aim")).endswith(live_aim)


def figcaption(client, url):
    return text_of(soup(client.get(url)).select_one("figcaption"))


def test_a_new_value_shows_on_the_kept_measure_page_at_once(client, roadmap, falls):
    url = "/roadmap/measures/falls-in-care-homes/"
    assert "of 24 points" in figcaption(client, url)
    DataPoint.objects.create(measure=falls, date=datetime.date(2025, 1, 1), value=3)
    page = soup(client.get(url))
    assert "of 25 points" in text_of(page.select_one("figcaption"))
    assert text_of(page.select(".roadmap-data tbody tr")[-1].select_one("th time")) == "January 2025"


def test_each_baseline_gets_its_own_kept_chart(client, roadmap, falls):
    url = "/roadmap/measures/falls-in-care-homes/"
    assert "from the first 12 of 24 points" in figcaption(client, url)
    assert "from the first 6 of 24 points" in figcaption(client, url + "?baseline=6")
    assert "from the first 12 of 24 points" in figcaption(client, url)
    # A bad baseline keeps what was typed and uses the measure's own.
    page = client.get(url + "?baseline=99").content.decode()
    assert 'value="99"' in page and "from the first 12 of 24 points" in page


def test_a_kept_measure_page_goes_out_of_date_when_the_month_turns_without_any_change(client, roadmap, monkeypatch):
    today = timezone.localdate()
    MeasureFactory(name="Fresh", slug="fresh", data_points=[(months_before(today, n), 5) for n in range(6, 0, -1)])
    assert not soup(client.get("/roadmap/measures/fresh/")).select(".roadmap-stale")
    later = today + datetime.timedelta(days=200)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    page = soup(client.get("/roadmap/measures/fresh/"))
    assert page.select(".roadmap-stale")
    assert text_of(page.select_one(".roadmap-summary p")).startswith("Out of date: no new value since")


def test_the_kept_breadcrumb_follows_a_new_title_at_once(client, roadmap, falls):
    assert breadcrumb(soup(client.get("/roadmap/measures/falls-in-care-homes/"))) == [
        "Home",  # as the trail of every page that is not a Wagtail page starts
        "Roadmap",
        "Measures",
    ]
    roadmap.title = "The safer care roadmap"
    roadmap.save_revision().publish()
    assert breadcrumb(soup(client.get("/roadmap/measures/falls-in-care-homes/")))[1] == "The safer care roadmap"


def test_a_kept_measure_page_follows_an_edit_of_the_measure_at_once(client, roadmap, falls):
    url = "/roadmap/measures/falls-in-care-homes/"
    assert "Falls recorded by care homes" in text_of(soup(client.get(url)).select_one(".nhsuk-lede-text"))
    falls.definition = "Falls recorded by care homes and their visiting teams."
    falls.baseline_points = 6
    falls.save()
    page = soup(client.get(url))
    assert text_of(page.select_one(".nhsuk-lede-text")) == "Falls recorded by care homes and their visiting teams."
    assert "from the first 6 of 24 points" in text_of(page.select_one("figcaption"))
