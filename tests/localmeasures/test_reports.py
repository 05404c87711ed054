"""The programme team's report of organisations with no local data for the last two months."""

import datetime

import pytest
from django.utils import timezone

from portal.localmeasures.factories import monthly_values
from portal.localmeasures.models import months_back
from portal.localmeasures.reports import organisations_without_recent_data
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/local-data-not-entered/"


@pytest.fixture
def homes(falls, events):
    this_month = timezone.localdate().replace(day=1)
    care_homes = Setting.objects.get(slug="care-homes")
    up_to_date = OrganisationFactory(name="Up To Date Home", setting=care_homes)
    monthly_values(up_to_date, falls, [3], start=months_back(this_month, 1))
    one_missed = OrganisationFactory(name="One Month Behind Home", setting=care_homes)
    monthly_values(one_missed, events, [2], start=months_back(this_month, 2))
    two_missed = OrganisationFactory(name="Two Months Behind Home", setting=care_homes)
    monthly_values(two_missed, falls, [3], start=months_back(this_month, 3))
    OrganisationFactory(name="Never Entered Home", setting=care_homes)
    # A pharmacy's setting has no local measures: nothing is expected of it.
    OrganisationFactory(name="Corner Pharmacy", setting=Setting.objects.get(slug="community-pharmacy"))
    return two_missed


def test_organisations_with_nothing_for_the_last_two_months_are_listed(homes, care_home):
    names = [organisation.name for organisation in organisations_without_recent_data()]
    assert "Two Months Behind Home" in names and "Never Entered Home" in names
    assert "Up To Date Home" not in names and "One Month Behind Home" not in names
    assert "Corner Pharmacy" not in names


def test_the_programme_team_see_it_and_export_it_as_csv(client, homes, moderator):
    client.force_login(moderator)
    page = client.get(REPORT).content.decode()
    assert "Two Months Behind Home" in page and "Never" in page
    assert "Up To Date Home" not in page
    export = client.get(REPORT + "?export=csv")
    assert export.status_code == 200
    text = b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    assert text.splitlines()[0] == "Organisation,Care setting,Latest month entered"
    three_back = months_back(timezone.localdate().replace(day=1), 3)
    assert f"Two Months Behind Home,Care homes,{three_back:%Y-%m}" in text
    assert "Never Entered Home,Care homes,never" in text


def test_members_cannot_open_it(client, homes, manager):
    client.force_login(manager)
    response = client.get(REPORT)
    assert response.status_code in (302, 403)
    assert "Two Months Behind Home" not in response.content.decode()


def test_the_report_costs_the_same_however_many_organisations(client, homes, falls, moderator):
    from tests.helpers import count_queries

    client.force_login(moderator)
    client.get(REPORT)
    few = count_queries(client, REPORT)
    for n in range(8):
        home = OrganisationFactory(name=f"Extra Home {n}", setting=Setting.objects.get(slug="care-homes"))
        monthly_values(home, falls, [1, 2], start=datetime.date(2024, 1, 1))
    assert count_queries(client, REPORT) == few
