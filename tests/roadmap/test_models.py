import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.roadmap.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    MeasureFactory,
    MilestoneFactory,
    RoadmapPageFactory,
    SecondaryDriverFactory,
)
from portal.roadmap.models import Driver, Measure, Milestone, MilestoneStatusChange, RoadmapPage

pytestmark = pytest.mark.django_db


def test_roadmap_shows_the_aim_and_target_date(client, home):
    roadmap = RoadmapPageFactory(
        parent=home, aim="The safest health and care economy in the country.", target_date=datetime.date(2022, 12, 31)
    )
    html = client.get(roadmap.url).content.decode()
    assert "Our aim" in html
    assert "The safest health and care economy in the country." in html
    assert '<time datetime="2022-12-31">December 2022</time>' in html


def test_there_is_one_roadmap_directly_under_home(home):
    assert RoadmapPage.can_create_at(home)
    RoadmapPageFactory(parent=home)
    assert not RoadmapPage.can_create_at(home)


# Drivers, change ideas and milestones -----------------------------------------------------------


def test_a_secondary_driver_must_hang_from_a_primary_one():
    primary = DriverFactory(title="Reliable care")
    secondary = SecondaryDriverFactory(title="Falls prevention", parent=primary)
    assert primary.is_primary and not secondary.is_primary
    assert str(secondary) == "Reliable care › Falls prevention"
    secondary.clean()  # two levels are fine
    third_level = Driver(title="Too deep", parent=secondary)
    with pytest.raises(ValidationError) as error:
        third_level.clean()
    assert error.value.message_dict == {"parent": ["Choose a primary driver: the diagram has two levels of drivers."]}


def test_a_driver_cannot_be_its_own_parent():
    primary = DriverFactory()
    primary.parent = primary
    with pytest.raises(ValidationError) as error:
        primary.clean()
    assert "parent" in error.value.message_dict


def test_a_change_idea_sits_under_a_secondary_driver():
    idea = ChangeIdeaFactory()
    idea.clean()
    idea.driver = DriverFactory()
    with pytest.raises(ValidationError) as error:
        idea.clean()
    assert error.value.message_dict == {"driver": ["Choose a secondary driver; change ideas sit under those."]}


def test_a_milestone_without_history_has_not_started():
    assert MilestoneFactory().status == Milestone.Status.NOT_STARTED


def test_a_milestones_status_comes_from_its_newest_status_change():
    milestone = MilestoneFactory(
        status_history=[
            ("2024-05-01", "at-risk", "Two homes withdrew."),
            ("2024-01-01", "on-track", "Started."),  # entered out of order: dates decide, not entry order
        ]
    )
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.AT_RISK
    assert [change.status for change in milestone.status_changes.all()] == ["on-track", "at-risk"]


def test_adding_a_status_change_in_the_admin_way_updates_the_status():
    milestone = MilestoneFactory(status_history=[("2024-01-01", "on-track", "Started.")])
    milestone.status_changes.add(MilestoneStatusChange(date=datetime.date(2024, 9, 1), status="done", reason="Done."))
    milestone.save()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DONE
    assert milestone.status_changes.count() == 2


def test_measure_direction_gives_higher_is_better():
    assert MeasureFactory(direction=Measure.Direction.HIGHER).higher_is_better is True
    assert MeasureFactory(direction=Measure.Direction.LOWER).higher_is_better is False
    assert MeasureFactory(direction=Measure.Direction.NEITHER).higher_is_better is None


def test_measure_factory_makes_monthly_data_points_and_takes_slugs():
    measure = MeasureFactory(safety_domain="reliability", settings=["care-homes", "acute-hospital"], data_points=14)
    dates = [point.date for point in measure.data_points.all()]
    assert dates[0] == datetime.date(2023, 1, 1) and dates[-1] == datetime.date(2024, 2, 1) and len(dates) == 14
    assert measure.safety_domain.slug == "reliability"
    assert sorted(measure.settings.values_list("slug", flat=True)) == ["acute-hospital", "care-homes"]
