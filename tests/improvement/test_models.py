"""Change idea statuses: history kept, the latest row is current, spread counted in one query."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.improvement.factories import ChangeIdeaStatusFactory
from portal.improvement.models import ChangeIdeaStatus, spread_by_month
from portal.roadmap.factories import ChangeIdeaFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db

Status = ChangeIdeaStatus.Status
TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def test_each_change_is_a_new_row_and_the_latest_is_current():
    idea = ChangeIdeaFactory(title="Afternoon hydration rounds")
    home = OrganisationFactory(name="Kersal Brook Care Home")
    planning = ChangeIdeaStatusFactory(
        organisation=home, change_idea=idea, status=Status.PLANNING, took_effect_on=days_ago(90)
    )
    testing = ChangeIdeaStatusFactory(
        organisation=home, change_idea=idea, status=Status.TESTING, took_effect_on=days_ago(60)
    )
    # Recorded later but back-dated: it took effect before 'testing', so 'testing' stays current.
    ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status=Status.PLANNING, took_effect_on=days_ago(100))

    assert ChangeIdeaStatus.objects.for_organisation(home).count() == 3
    assert list(ChangeIdeaStatus.objects.current()) == [testing]
    planning.refresh_from_db()
    assert planning.status == Status.PLANNING  # never overwritten


def test_two_rows_on_one_day_the_one_recorded_last_is_current():
    idea, home = ChangeIdeaFactory(), OrganisationFactory()
    ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status=Status.TESTING, took_effect_on=TODAY)
    adopted = ChangeIdeaStatusFactory(organisation=home, change_idea=idea, status=Status.ADOPTED, took_effect_on=TODAY)
    assert list(ChangeIdeaStatus.objects.current()) == [adopted]


def test_a_date_in_the_future_and_abandoning_without_a_reason_are_refused():
    status = ChangeIdeaStatusFactory.build(
        organisation=OrganisationFactory(),
        change_idea=ChangeIdeaFactory(),
        took_effect_on=TODAY + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        status.full_clean(exclude=["recorded_by"])
    assert "cannot be in the future" in str(error.value.message_dict["took_effect_on"])

    status.took_effect_on, status.status, status.reason = TODAY, Status.ABANDONED, "  "
    with pytest.raises(ValidationError) as error:
        status.full_clean(exclude=["recorded_by"])
    assert "Say why" in str(error.value.message_dict["reason"])


def make_spread(organisations_per_status):
    """Two ideas; for each status that many care homes and GP practices currently at it, with earlier history."""
    ideas = [ChangeIdeaFactory(), ChangeIdeaFactory()]
    homes = Setting.objects.get(slug="care-homes")
    practices = Setting.objects.get(slug="general-practice")
    for idea in ideas:
        for status in Status:
            for setting in (homes, practices):
                for _ in range(organisations_per_status):
                    organisation = OrganisationFactory(setting=setting)
                    ChangeIdeaStatusFactory(
                        organisation=organisation,
                        change_idea=idea,
                        status=Status.PLANNING,
                        took_effect_on=days_ago(200),
                    )
                    ChangeIdeaStatusFactory(
                        organisation=organisation, change_idea=idea, status=status, took_effect_on=days_ago(20)
                    )
    return ideas, homes, practices


@pytest.mark.parametrize("size", [1, 4])
def test_counts_by_status_and_by_setting_take_one_query_at_any_size(size, django_assert_num_queries):
    ideas, homes, practices = make_spread(size)

    with django_assert_num_queries(1):
        counts = ChangeIdeaStatus.objects.counts()
    assert counts[ideas[0].pk] == dict.fromkeys(Status, 2 * size)

    with django_assert_num_queries(1):
        by_setting = ChangeIdeaStatus.objects.counts_by_setting()
    assert by_setting[(ideas[1].pk, homes.pk)] == dict.fromkeys(Status, size)
    assert by_setting[(ideas[1].pk, practices.pk)][Status.ADOPTED] == size


def test_spread_by_month_counts_each_organisation_once_at_its_status_then():
    idea = ChangeIdeaFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    today = datetime.date(2026, 6, 15)
    ChangeIdeaStatusFactory(
        organisation=first, change_idea=idea, status=Status.TESTING, took_effect_on=datetime.date(2026, 3, 10)
    )
    ChangeIdeaStatusFactory(
        organisation=first, change_idea=idea, status=Status.ADOPTED, took_effect_on=datetime.date(2026, 5, 2)
    )
    ChangeIdeaStatusFactory(
        organisation=second, change_idea=idea, status=Status.TESTING, took_effect_on=datetime.date(2026, 4, 30)
    )
    ChangeIdeaStatusFactory(
        organisation=second, change_idea=idea, status=Status.ABANDONED, took_effect_on=datetime.date(2026, 6, 1)
    )

    assert spread_by_month(idea, today=today) == [
        (datetime.date(2026, 3, 1), 1, 0),
        (datetime.date(2026, 4, 1), 2, 0),
        (datetime.date(2026, 5, 1), 1, 1),
        (datetime.date(2026, 6, 1), 0, 1),
    ]
    assert spread_by_month(ChangeIdeaFactory(), today=today) == []


def test_spread_by_month_applies_the_current_status_rule_at_each_months_end():
    # The security review's sequence for one organisation, in the order it was recorded.
    idea, home = ChangeIdeaFactory(), OrganisationFactory()
    recorded = timezone.now() - datetime.timedelta(days=5)
    for hour, (status, took_effect_on) in enumerate(
        [
            (Status.PLANNING, datetime.date(1, 1, 1)),
            (Status.TESTING, datetime.date(1, 1, 1)),
            (Status.PLANNING, datetime.date(2020, 1, 1)),
            (Status.PLANNING, datetime.date(2026, 12, 1)),
            (Status.ABANDONED, datetime.date(2026, 12, 1)),
        ]
    ):
        ChangeIdeaStatusFactory.create(
            organisation=home,
            change_idea=idea,
            status=status,
            took_effect_on=took_effect_on,
            recorded_at=recorded + datetime.timedelta(hours=hour),
        )

    # In June 2020 the spread reaches back to July 2017: testing (from year 1) until
    # December 2019, planning from January 2020.
    rows = spread_by_month(idea, today=datetime.date(2020, 6, 15))
    assert rows[0] == (datetime.date(2017, 7, 1), 1, 0)
    assert rows[29] == (datetime.date(2019, 12, 1), 1, 0)
    assert rows[30:] == [(datetime.date(2020, month, 1), 0, 0) for month in range(1, 7)]

    # In December 2026 nobody is testing or has adopted it in any month shown.
    rows = spread_by_month(idea, today=datetime.date(2026, 12, 6))
    assert all((testing, adopted) == (0, 0) for _, testing, adopted in rows)


def test_spread_by_month_shows_at_most_the_last_36_months_however_early_a_stored_date(django_assert_num_queries):
    idea, home = ChangeIdeaFactory(), OrganisationFactory()
    # Stored before dates were bounded: the form now refuses it, the page must still be small.
    ChangeIdeaStatusFactory(
        organisation=home, change_idea=idea, status=Status.TESTING, took_effect_on=datetime.date(1, 1, 1)
    )
    ChangeIdeaStatusFactory(
        organisation=home, change_idea=idea, status=Status.ADOPTED, took_effect_on=datetime.date(2025, 3, 4)
    )

    with django_assert_num_queries(1):
        rows = spread_by_month(idea, today=datetime.date(2026, 12, 6))
    assert len(rows) == 36
    assert rows[0] == (datetime.date(2024, 1, 1), 1, 0)
    assert rows[13] == (datetime.date(2025, 2, 1), 1, 0)
    assert rows[14] == (datetime.date(2025, 3, 1), 0, 1)
    assert rows[-1] == (datetime.date(2026, 12, 1), 0, 1)


def test_a_date_before_2000_is_refused_by_the_model_too():
    status = ChangeIdeaStatusFactory.build(
        organisation=OrganisationFactory(), change_idea=ChangeIdeaFactory(), took_effect_on=datetime.date(1, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        status.full_clean(exclude=["recorded_by"])
    assert "cannot be before 1 January 2000" in str(error.value.message_dict["took_effect_on"])
