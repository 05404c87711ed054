"""Private values never reach a public page, the API, search, a feed or the page cache; shared ones
reach them only through the disclosure rule."""

import datetime
import re

import pytest
from django.core.cache import cache
from wagtail.search.index import get_indexed_models

from portal.localmeasures.factories import LocalMeasureFactory, monthly_values, share
from portal.localmeasures.models import LocalSharing, LocalValue
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from portal.taxonomy.factories import OrganisationFactory
from portal.taxonomy.models import Setting
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 3, 1)
# Raw figures no rounded or suppressed figure can equal, so any leak shows.
SHARED_FALLS = [1001, 1002, 1003, 1004]  # four homes: 4,010 in all
FIFTH_FALLS = 1007  # with it, 5,017 in all, published as 5,015
PRIVATE_FALLS = 9871
BED_DAYS = 20_003
RAW = ["1001", "1,001", "4010", "4,010", "5017", "5,017", "9871", "9,871", "20003", "20,003", "100015", "100,015"]


@pytest.fixture
def roadmap(home):
    return RoadmapPageFactory(parent=home)


@pytest.fixture
def programme_measure(db):
    return MeasureFactory(
        name="Falls in care homes", slug="falls-in-care-homes", settings=["care-homes"], data_points=3
    )


@pytest.fixture
def falls(programme_measure):
    return LocalMeasureFactory(
        name="Falls", slug="falls", rate=True, settings=["care-homes"], programme_measure=programme_measure
    )


def care_home():
    return OrganisationFactory(setting=Setting.objects.get(slug="care-homes"))


@pytest.fixture
def four_sharing_and_one_private(falls):
    homes = []
    for numerator in SHARED_FALLS:
        homes.append(care_home())
        monthly_values(homes[-1], falls, [numerator], denominators=[BED_DAYS], start=MONTH)
        share(homes[-1], falls)
    private = care_home()
    monthly_values(private, falls, [PRIVATE_FALLS], denominators=[BED_DAYS], start=MONTH)
    return homes, private


def fifth_shares(falls):
    fifth = care_home()
    monthly_values(fifth, falls, [FIFTH_FALLS], denominators=[BED_DAYS], start=MONTH)
    share(fifth, falls)
    return fifth


def organisations_cells(page):
    """What the roll-up table says in its Organisations column, row by row."""
    return re.findall(r'aria-hidden="true">Organisations</span>([^<]*)</td>', page)


def rollup_section(page):
    """The roll-up as a person reads it, without the rest of the page (whose tokens change per request)."""
    start = page.index('<section class="local-rollups"')
    return page[start : page.index("</section>", start)]


def leaks(text):
    return [raw for raw in RAW if raw in text]


def test_the_measure_page_shows_nothing_from_four_organisations_and_rounded_figures_from_five(
    client, roadmap, falls, four_sharing_and_one_private
):
    url = "/roadmap/measures/falls-in-care-homes/"
    page = client.get(url).content.decode()
    assert "Not shown: fewer than 5 organisations shared data for any month" in page
    assert "Counts of 1 to 7 are shown as *" in page
    assert leaks(page) == []
    assert "March 2026" not in page
    assert organisations_cells(page) == ["Fewer than 5"]

    fifth_shares(falls)
    page = client.get(url).content.decode()
    # 5,015 falls over 100,015 bed days rounds to 100,015 (a multiple of 5): rate 50.1 per 1,000.
    assert "5,015 falls over" in page
    assert "March 2026" in page
    assert [raw for raw in leaks(page) if raw not in ("100015", "100,015")] == []


def test_the_dashboard_shows_the_same_published_figures(client, roadmap, falls, four_sharing_and_one_private):
    fifth_shares(falls)
    page = client.get("/roadmap/dashboard/").content.decode()
    assert "Shared local data" in page and "5,015 falls over" in page
    assert "9,871" not in page and "9871" not in page


def test_the_api_gives_only_published_figures(client, falls, programme_measure, four_sharing_and_one_private):
    [item] = client.get("/api/v2/measures/").json()["items"]
    [rollup] = item["local_rollups"]
    assert rollup["months"] == []  # four organisations: the month is not listed at all
    fifth_shares(falls)
    detail = client.get(f"/api/v2/measures/{programme_measure.pk}/").json()
    [month] = detail["local_rollups"][0]["months"]
    assert (month["organisations"], month["numerator"], month["denominator"]) == (5, 5015, 100015)
    assert PRIVATE_FALLS not in month.values() and 5017 not in month.values()


def test_a_suppressed_numerator_is_null_in_the_api_and_a_star_on_the_page(client, roadmap, falls):
    for _ in range(5):
        home = care_home()
        monthly_values(home, falls, [1], denominators=[BED_DAYS], start=MONTH)
        share(home, falls)
    [month] = client.get("/api/v2/measures/").json()["items"][0]["local_rollups"][0]["months"]
    assert (month["organisations"], month["numerator"], month["rate"]) == (5, None, None)
    page = client.get("/roadmap/measures/falls-in-care-homes/").content.decode()
    assert "* per 1,000 occupied bed days (* falls over 100,015 occupied bed days)" in page


def test_the_api_costs_the_same_however_many_organisations_and_months(client, falls, four_sharing_and_one_private):
    client.get("/api/v2/measures/")
    few = count_queries(client, "/api/v2/measures/")
    for _ in range(6):
        home = care_home()
        monthly_values(home, falls, [12] * 14, start=datetime.date(2025, 1, 1))
        share(home, falls)
    MeasureFactory(name="Pressure ulcers", settings=["care-homes"], data_points=2)
    assert count_queries(client, "/api/v2/measures/") == few


def test_local_values_are_never_in_a_search_index_and_search_shows_none(client, home, four_sharing_and_one_private):
    assert not {LocalValue, LocalSharing} & set(get_indexed_models())
    page = client.get("/search/", {"q": "falls"}).content.decode()
    assert leaks(page) == []


def test_feeds_carry_no_local_values(client, home, four_sharing_and_one_private):
    for url in ("/feeds/knowledge/rss/", "/feeds/updates/atom/"):
        assert leaks(client.get(url).content.decode()) == []


def test_the_page_cache_holds_only_published_figures_and_refreshes_when_a_home_shares(
    client, settings, roadmap, falls, four_sharing_and_one_private
):
    settings.PORTAL_PAGE_CACHE = True
    cache.clear()
    url = "/roadmap/measures/falls-in-care-homes/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert leaks(cached.content.decode()) == []
    assert "Not shown: fewer than 5" in cached.content.decode()
    assert organisations_cells(cached.content.decode()) == ["Fewer than 5"]

    fifth_shares(falls)
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "5,015 falls over" in fresh.content.decode()
    cache.clear()


def test_an_organisations_own_pages_are_never_cached(client, settings, falls, four_sharing_and_one_private):
    from portal.members.factories import MemberFactory

    settings.PORTAL_PAGE_CACHE = True
    cache.clear()
    homes, private = four_sharing_and_one_private
    client.force_login(MemberFactory(organisation=private))
    response = client.get("/my-organisation/measures/falls/")
    assert "9871" in response.content.decode()
    client.logout()
    response = client.get("/my-organisation/measures/falls/")
    assert response.status_code == 302
    assert "9871" not in response.content.decode()
    cache.clear()


def test_the_roadmap_pages_cost_the_same_however_many_organisations_share(client, roadmap, falls):
    urls = ["/roadmap/dashboard/", "/roadmap/measures/falls-in-care-homes/"]
    for url in urls:
        client.get(url)
    few = [count_queries(client, url) for url in urls]
    for _ in range(7):
        home = care_home()
        monthly_values(home, falls, [9] * 15, start=datetime.date(2025, 1, 1))
        share(home, falls)
    LocalMeasureFactory(name="Significant events", settings=["general-practice"])
    for url in urls:
        client.get(url)  # the change replaced the generation: the kept header and footer are read again
    assert [count_queries(client, url) for url in urls] == few


def share_months(falls, months_by_home):
    """Care homes sharing falls for the months given, one list of months per home."""
    for months in months_by_home:
        home = care_home()
        for month in months:
            monthly_values(home, falls, [1001], denominators=[BED_DAYS], start=month)
        share(home, falls)


def public_views(client):
    measure_page = client.get("/roadmap/measures/falls-in-care-homes/").content.decode()
    dashboard = client.get("/roadmap/dashboard/").content.decode()
    [item] = client.get("/api/v2/measures/?fields=_,local_rollups").json()["items"]
    return rollup_section(measure_page), rollup_section(dashboard), item["local_rollups"]


def test_one_organisation_sharing_is_seen_by_nobody_in_public(client, roadmap, falls, programme_measure):
    """With one home sharing, the public see exactly what they see with none: not its months, not that it shares."""
    private = care_home()
    monthly_values(private, falls, [PRIVATE_FALLS], denominators=[BED_DAYS], start=MONTH)
    nobody = public_views(client)
    share_months(falls, [[MONTH, datetime.date(2025, 11, 1)]])
    one = public_views(client)
    assert one == nobody
    measure_page, dashboard, api = one
    for text in (measure_page, dashboard):
        assert "Not shown: fewer than 5 organisations shared data for any month" in text
        assert organisations_cells(text) == ["Fewer than 5"]
        assert "March 2026" not in text and "November 2025" not in text
    assert api[0]["months"] == []
    assert "2026-03" not in str(api) and "2025-11" not in str(api)


def test_a_month_with_five_is_listed_and_a_later_month_with_four_is_not(client, roadmap, falls, programme_measure):
    april = datetime.date(2026, 4, 1)
    share_months(falls, [[MONTH, april]] * 4 + [[MONTH]])
    measure_page, dashboard, api = public_views(client)
    assert [(month["month"], month["organisations"]) for month in api[0]["months"]] == [("2026-03", 5)]
    for text in (measure_page, dashboard):
        assert "March 2026" in text and "April 2026" not in text
        assert organisations_cells(text) == ["5"]
    # A fifth home enters April: now April is listed too, with its five.
    share_months(falls, [[april]])
    measure_page, dashboard, api = public_views(client)
    assert [(month["month"], month["organisations"]) for month in api[0]["months"]] == [
        ("2026-03", 5),
        ("2026-04", 5),
    ]
    assert "April 2026" in measure_page and organisations_cells(measure_page) == ["5"]


def test_a_month_before_2000_already_stored_never_reaches_the_public(client, roadmap, falls, programme_measure):
    share_months(falls, [[datetime.date(1900, 1, 1), MONTH]] * 5)
    measure_page, dashboard, api = public_views(client)
    assert [month["month"] for month in api[0]["months"]] == ["2026-03"]
    assert "1900" not in measure_page and "1900" not in dashboard
