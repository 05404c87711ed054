"""The demo roadmap tells a true story: its charts show the signals its text claims.

Most checks read ``roadmap.toml`` and the series recipes directly, without a
database, so a content edit that breaks the story fails in a second.
"""

import datetime
import tomllib
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.demo.loader import CONTENT_DIR
from portal.demo.series import add_months, monthly_series
from portal.roadmap.models import DataPoint, Measure, Milestone
from portal.roadmap.spc import Point, run_chart, xmr_chart

D = datetime.date
TODAY = D(2026, 11, 29)
ROADMAP = tomllib.loads((CONTENT_DIR / "roadmap.toml").read_text())
MEASURES = {row["slug"]: row for row in ROADMAP["measure"]}


def slugs(name, key):
    return {row["slug"] for row in tomllib.loads((CONTENT_DIR / f"{name}.toml").read_text())[key]}


def chart(row):
    points = [Point(date, value) for date, value in monthly_series(row["series"])]
    higher_is_better = Measure(direction=row["direction"]).higher_is_better
    if row["chart_type"] == "run":
        return run_chart(points, higher_is_better=higher_is_better, baseline_points=row.get("baseline_points"))
    return xmr_chart(
        points,
        higher_is_better=higher_is_better,
        baseline_points=row.get("baseline_points"),
        run_length=settings.PORTAL_SPC_RUN_LENGTH,
    )


# The series recipe ----------------------------------------------------------------


def test_a_recipe_gives_the_same_monthly_values_every_time():
    spec = {"start": D(2020, 11, 17), "months": 4, "level": 10, "noise": 1, "seed": 7}
    first = monthly_series(spec)
    assert first == monthly_series(dict(spec))
    assert [date for date, _ in first] == [D(2020, 11, 1), D(2020, 12, 1), D(2021, 1, 1), D(2021, 2, 1)]
    assert monthly_series({**spec, "seed": 8}) != first


def test_steps_trends_and_spikes_move_the_level_from_their_month():
    spec = {
        "start": D(2024, 1, 1),
        "months": 8,
        "level": 10,
        "noise": 0,
        "seed": 1,
        "steps": [{"at": 2, "change": 5}],
        "trend": [{"start": 4, "end": 6, "slope": 1}],
        "spikes": [{"at": 7, "change": 20}],
        "decimals": 0,
    }
    assert [value for _, value in monthly_series(spec)] == [10, 10, 15, 15, 15, 16, 17, 37]


def test_values_are_rounded_and_kept_inside_their_bounds():
    spec = {"start": D(2024, 1, 1), "months": 30, "level": 99, "noise": 3, "seed": 2, "minimum": 95, "maximum": 100}
    values = [value for _, value in monthly_series(spec)]
    assert min(values) >= 95 and max(values) == 100
    assert all(value == round(value, 1) for value in values)
    assert add_months(D(2023, 12, 31), 1) == D(2024, 1, 1)


# The designed signals --------------------------------------------------------------

# slug: signals that must be there, as (rule, meaning, first month or None)
DESIGNED = {
    "falls-in-care-homes": [("shift", "improvement", D(2018, 7, 1))],
    "uti-admissions-from-care-homes": [("astronomical", "concern", D(2022, 1, 1))],
    "severe-pressure-ulcers-district-nursing": [
        ("shift", "concern", D(2025, 7, 1)),
        ("outside-limits", "concern", D(2025, 7, 1)),
    ],
    "care-home-medication-reviews": [("shift", "improvement", D(2019, 3, 1)), ("outside-limits", "improvement", None)],
    "observations-before-calling-for-advice": [("shift", "improvement", D(2020, 3, 1))],
    "discharge-summaries-within-24-hours": [
        ("shift", "improvement", D(2018, 2, 1)),
        ("outside-limits", "improvement", None),
    ],
    "safety-huddles-older-peoples-wards": [("trend", "improvement", D(2019, 1, 1))],
    "night-nurse-fill-rate": [],
    "practices-with-safety-culture-review": [
        ("trend", "improvement", None),
        ("shift", "improvement", D(2021, 1, 1)),
        ("outside-limits", "improvement", None),
    ],
    "incident-learning-shared-30-days": [
        ("shift", "improvement", D(2025, 1, 1)),
        ("outside-limits", "improvement", D(2025, 1, 1)),
    ],
}


def test_every_demo_measure_has_a_designed_story():
    assert set(DESIGNED) == set(MEASURES)


@pytest.mark.parametrize("slug", sorted(DESIGNED))
def test_each_demo_measure_shows_the_signals_it_was_designed_to_show(slug):
    result = chart(MEASURES[slug])
    found = {(s.rule, s.meaning, result.points[s.indices[0]].date) for s in result.signals}
    for rule, meaning, first in DESIGNED[slug]:
        matches = [f for f in found if f[:2] == (rule, meaning)]
        assert matches, f"{slug}: no {rule} ({meaning}) in {sorted(found)}"
        if first:
            assert first in {date for *_, date in matches}, f"{slug}: {rule} does not start in {first:%B %Y}"


@pytest.mark.parametrize("slug", sorted(DESIGNED))
def test_no_demo_chart_contradicts_its_story(slug):
    """An improving measure never also flags a concern, and the reverse; the steady one flags nothing."""
    meanings = {s.meaning for s in chart(MEASURES[slug]).signals}
    designed = {meaning for _, meaning, _ in DESIGNED[slug]}
    if designed:
        assert meanings - {"neutral"} == designed
    else:
        assert meanings == set()


def test_every_step_shift_or_spike_starts_on_an_annotated_month():
    for slug, row in MEASURES.items():
        notes = {note["date"] for note in row.get("annotations", [])}
        spec = row["series"]
        for event in spec.get("steps", []) + spec.get("spikes", []):
            assert add_months(spec["start"], event["at"]) in notes, slug
        for _, _, first in DESIGNED[slug]:
            assert first is None or first in notes, (slug, first)


def test_demo_measures_cover_every_domain_with_both_chart_types():
    assert {row["domain"] for row in ROADMAP["measure"]} == {
        "past-harm",
        "reliability",
        "sensitivity-to-operations",
        "anticipation-and-preparedness",
        "integration-and-learning",
    }
    assert {row["chart_type"] for row in ROADMAP["measure"]} == {"run", "xmr"}
    assert all(row["series"]["months"] >= 24 for row in ROADMAP["measure"])


# Milestones and the driver diagram --------------------------------------------------


def test_milestones_have_a_plausible_history_reaching_into_this_quarter():
    updates = slugs("updates", "update")
    workstreams = {row["slug"] for row in ROADMAP["workstream"]}
    this_quarter = []
    for row in ROADMAP["milestone"]:
        changes = row["changes"]
        assert row["workstream"] in workstreams
        assert 1 <= len(changes) <= 4, row["title"]
        assert all(D(2016, 1, 1) <= change["date"] <= TODAY for change in changes), row["title"]
        assert D(2016, 1, 1) <= row["planned_date"] <= D(2027, 12, 31)
        assert {change["update"] for change in changes if "update" in change} <= updates
        newest = max(changes, key=lambda change: change["date"])
        assert (newest["status"] == "done") == ("actual_date" in row), row["title"]
        this_quarter += [change for change in changes if change["date"] >= D(2026, 10, 1)]
    assert {change["status"] for change in this_quarter} >= {"at-risk", "done", "on-track"}
    statuses = [max(r["changes"], key=lambda c: c["date"])["status"] for r in ROADMAP["milestone"]]
    assert {"at-risk", "done", "on-track"} <= set(statuses)
    assert sum("update" in change for row in ROADMAP["milestone"] for change in row["changes"]) >= 8


def test_each_workstream_has_at_least_three_milestones():
    for workstream in ROADMAP["workstream"]:
        assert sum(row["workstream"] == workstream["slug"] for row in ROADMAP["milestone"]) >= 3, workstream["slug"]


def test_change_ideas_point_at_real_workstreams_and_pages():
    pages = slugs("case_studies", "case_study") | slugs("learning_notes", "learning_note")
    pages |= slugs("peer_visits", "peer_visit") | slugs("updates", "update")
    workstreams = {row["slug"] for row in ROADMAP["workstream"]}
    assert 3 <= len(ROADMAP["primary_driver"]) <= 4
    for primary in ROADMAP["primary_driver"]:
        assert 2 <= len(primary["secondary"]) <= 3, primary["title"]
        for secondary in primary["secondary"]:
            assert 2 <= len(secondary["change_idea"]) <= 3, secondary["title"]
            for idea in secondary["change_idea"]:
                assert idea["workstreams"] and set(idea["workstreams"]) <= workstreams, idea["title"]
                assert len(idea["evidence"]) <= 3 and set(idea["evidence"]) <= pages, idea["title"]


# As loaded --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_loaded_demo_holds_the_recipes_values_and_derived_statuses():
    call_command("load_demo", stdout=StringIO())
    falls = Measure.objects.get(slug="falls-in-care-homes")
    stored = list(DataPoint.objects.filter(measure=falls).values_list("date", "value"))
    assert stored == monthly_series(MEASURES["falls-in-care-homes"]["series"])
    assert falls.annotations.count() == 2
    reviews = Milestone.objects.get(title="Mental health wards join the shared medicines record")
    assert (reviews.status, reviews.actual_date) == ("done", D(2026, 11, 3))
    assert Milestone.objects.get(title="Peer visits extended to home care agencies").status == "at-risk"
    assert Milestone.objects.get(title="Fifty peer-visit reports published on the portal").status == "on-track"
