"""The "Search terms" report in the admin: popular searches and searches that found nothing."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from search.models import ZeroResultSearch

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/search-terms/"


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("moderator", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def searches():
    today = timezone.localdate()

    def searched(text, hits, days_ago=0):
        QueryDailyHits.objects.create(query=Query.get(text), date=today - datetime.timedelta(days=days_ago), hits=hits)

    searched("falls", 7)
    searched("falls", 5, days_ago=29)
    searched("falls", 100, days_ago=30)  # outside the last 30 days
    searched("meds errors", 3)
    searched("bed sores", 4, days_ago=2)
    searched("qwerty", 2)
    ZeroResultSearch.objects.create(query_string="qwerty", date=today, hits=2)
    searched("fals", 1)
    ZeroResultSearch.objects.create(query_string="fals", date=today - datetime.timedelta(days=3), hits=1)
    searched("old typo", 9, days_ago=45)
    ZeroResultSearch.objects.create(query_string="old typo", date=today - datetime.timedelta(days=45), hits=9)


def rows(response):
    """(search, searches, found nothing) for each row of the report's table."""
    html = response.content.decode()
    if 'class="listing' not in html:
        return []
    body = html.split('class="listing', 1)[1].split("<tbody", 1)[1].split("</tbody>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return [tuple(cells[index : index + 3]) for index in range(0, len(cells), 3)]


def test_moderators_see_popular_searches_of_the_last_30_days_most_first(client, moderator, searches):
    client.force_login(moderator)
    response = client.get(REPORT)
    assert response.status_code == 200
    assert rows(response) == [
        ("falls", "12", "0"),
        ("bed sores", "4", "0"),
        ("meds errors", "3", "0"),
        ("qwerty", "2", "2"),
        ("fals", "1", "1"),
    ]


def test_the_report_can_show_only_searches_that_found_nothing(client, moderator, searches):
    client.force_login(moderator)
    response = client.get(REPORT, {"show": "found-nothing"})
    assert rows(response) == [("qwerty", "2", "2"), ("fals", "1", "1")]
    assert [row[0] for row in rows(client.get(REPORT, {"show": "found-nothing", "ordering": "query_string"}))] == [
        "fals",
        "qwerty",
    ]


def test_the_report_downloads_as_a_spreadsheet(client, moderator, searches):
    client.force_login(moderator)
    response = client.get(REPORT, {"export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "Search,Searches in the last 30 days,Times it found nothing"
    assert lines[1] == "falls,12,0"


def test_superusers_see_it_and_it_is_in_the_reports_menu(client, django_user_model, searches):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "pw"))
    assert client.get(REPORT).status_code == 200
    menu = client.get("/admin/").content.decode()
    assert reverse("search_terms_report") in menu
    # Wagtail's own superuser-only "Search terms" report is not offered beside ours.
    assert reverse("wagtailsearchpromotions:search_terms") not in menu


def test_moderators_find_it_in_the_reports_menu(client, moderator):
    client.force_login(moderator)
    assert reverse("search_terms_report") in client.get("/admin/").content.decode()


@pytest.mark.parametrize("who", ["editor", "member"])
def test_nobody_else_may_see_it(client, django_user_model, searches, who):
    user = django_user_model.objects.create_user(who, password="pw")
    if who == "editor":
        user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    response = client.get(REPORT)
    assert response.status_code in (302, 403)
    assert "falls" not in response.content.decode()
    if who == "editor":
        assert reverse("search_terms_report") not in client.get("/admin/").content.decode()


def test_the_public_is_sent_to_log_in(client, searches):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_search_on_the_site_shows_up_in_the_report(client, moderator, learning_index):
    from learning.factories import LearningNotePageFactory

    LearningNotePageFactory(parent=learning_index, title="Falls at night")
    client.get("/search/?q=Falls")
    client.get("/search/?q=nothing+like+this+zzz")
    client.force_login(moderator)
    assert rows(client.get(REPORT)) == [("falls", "1", "0"), ("nothing like this zzz", "1", "1")]


def test_a_search_typed_as_a_formula_downloads_as_text_not_a_formula(client, moderator, learning_index):
    """The attacker's review: a search for "=a1+1+cmd|' /C calc'!A0" reached the CSV as a live formula."""
    for typed in ("=a1+1+cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2+3"):
        client.get("/search/", {"q": typed})
    client.force_login(moderator)
    response = client.get(REPORT, {"export": "csv"})
    cells = [
        line.split(",", 1)[0].strip('"') for line in b"".join(response.streaming_content).decode().splitlines()[1:]
    ]
    assert cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")], cells
    assert "'=a1+1+cmd|' /c calc'!a0" in cells
