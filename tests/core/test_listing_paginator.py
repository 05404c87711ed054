"""Listings as content grows: what a listing needs kept until content changes, pages read from the newest down.

``ListingPaginator`` keeps, under the content generation, a short listing's
ids in order, or a long listing's count (finding its pages, on SQLite, by
walking the date index). Each test runs both ways (``KEEP_IDS_UP_TO`` at 500
and at 0) and would fail if what was kept outlived a change or reached the
wrong audience or filter, or if a page held other pages, or in another order,
than slicing the plain queryset.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from learning.models import LearningNotePage
from portal.core import listing as listing_module
from portal.core.factories import restrict_to_members
from portal.core.models import KnowledgePage
from portal.members.factories import MemberFactory, PendingMemberFactory
from tests.helpers import card_titles

pytestmark = pytest.mark.django_db


def note(parent, title, date, **fields):
    fields.setdefault("settings", ["care-homes"])
    fields.setdefault("safety_domains", ["past-harm"])
    return LearningNotePageFactory(parent=parent, title=title, date=date, **fields)


@pytest.fixture(autouse=True, params=[500, 0], ids=["ids kept", "count kept"])
def keep_ids_up_to(request, monkeypatch):
    monkeypatch.setattr(listing_module, "KEEP_IDS_UP_TO", request.param)
    return request.param


@pytest.fixture
def five_notes(learning_index, settings):
    """Five care-home notes, newest first "Note 5" to "Note 1", two to a page."""
    settings.PORTAL_PAGE_SIZE = 2
    return [note(learning_index, f"Note {day}", f"2024-01-0{day}") for day in range(1, 6)]


def count_line(response):
    html = response.content.decode()
    return html[html.index('id="listing-count"') :].split(">", 1)[1].split("<", 1)[0].strip()


def statements(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_count_and_the_first_page_follow_publishing_and_unpublishing(client, learning_index, five_notes):
    assert "5 items, page 1 of 3" in count_line(client.get(learning_index.url))
    newest = note(learning_index, "Published today", "2024-02-01")
    response = client.get(learning_index.url)
    assert card_titles(response) == ["Published today", "Note 5"]
    assert "6 items, page 1 of 3" in count_line(response)
    five_notes[4].unpublish()
    newest.unpublish()
    response = client.get(learning_index.url)
    assert card_titles(response) == ["Note 4", "Note 3"]
    assert "4 items, page 1 of 2" in count_line(response)


def test_page_two_and_the_last_page_are_those_of_the_plain_order(client, learning_index, five_notes):
    # Two notes on one date: the newer page (higher id) comes first, as newest_first() orders them.
    same_day = note(learning_index, "Same day as note 3", "2024-01-03")
    assert card_titles(client.get(learning_index.url + "?page=2")) == ["Same day as note 3", "Note 3"]
    assert card_titles(client.get(learning_index.url + "?page=3")) == ["Note 2", "Note 1"]
    same_day.unpublish()
    assert card_titles(client.get(learning_index.url + "?page=2")) == ["Note 3", "Note 2"]
    assert card_titles(client.get(learning_index.url + "?page=3")) == ["Note 1"]


def test_each_filter_has_its_own_count_and_pages(client, learning_index, five_notes):
    note(learning_index, "GP note", "2024-03-01", settings=["general-practice"], safety_domains=["reliability"])
    assert "6 items" in count_line(client.get(learning_index.url))
    care_homes = client.get(learning_index.url + "?setting=care-homes")
    assert "5 items, page 1 of 3" in count_line(care_homes)
    assert card_titles(care_homes) == ["Note 5", "Note 4"]
    practice = client.get(learning_index.url + "?setting=general-practice")
    assert "1 item" in count_line(practice)
    assert card_titles(practice) == ["GP note"]
    reliability = client.get("/settings/care-homes/?domain=reliability")
    assert card_titles(reliability) == []
    assert card_titles(client.get("/settings/care-homes/?page=2")) == ["Note 3", "Note 2"]
    assert card_titles(client.get("/domains/reliability/")) == ["GP note"]


def test_members_and_the_public_each_see_their_own_count(client, learning_index, five_notes):
    restrict_to_members(five_notes[4])
    public = client.get("/settings/care-homes/")
    assert "4 items, page 1 of 2" in count_line(public)
    assert card_titles(public) == ["Note 4", "Note 3"]
    client.force_login(PendingMemberFactory())  # not yet approved: sees what the public sees
    assert "4 items, page 1 of 2" in count_line(client.get("/settings/care-homes/"))
    client.force_login(MemberFactory())
    members = client.get("/settings/care-homes/")
    assert "5 items, page 1 of 3" in count_line(members)
    assert card_titles(members) == ["Note 5", "Note 4"]
    assert ">Members only</strong>" in members.content.decode()
    assert "5 items" in count_line(client.get(learning_index.url))
    client.logout()
    assert "4 items" in count_line(client.get(learning_index.url))


def test_kept_cards_follow_a_new_restriction_and_a_new_title_at_once(client, learning_index, five_notes):
    """The cards a listing shows from its kept ids are those of the audience, drawn from the page as published."""
    client.force_login(MemberFactory())
    assert card_titles(client.get(learning_index.url)) == ["Note 5", "Note 4"]
    restrict_to_members(five_notes[4])
    members = client.get(learning_index.url)
    assert card_titles(members) == ["Note 5", "Note 4"]
    assert members.content.decode().count(">Members only</strong>") == 1
    client.logout()
    public = client.get(learning_index.url)
    assert card_titles(public) == ["Note 4", "Note 3"]
    assert ">Members only</strong>" not in public.content.decode()
    retitled = LearningNotePage.objects.get(pk=five_notes[3].pk)
    retitled.title = "Note 4, retitled"
    retitled.save_revision().publish()
    assert card_titles(client.get(learning_index.url)) == ["Note 4, retitled", "Note 3"]


def test_making_a_page_member_only_takes_it_out_of_the_public_count_at_once(client, learning_index, five_notes):
    assert "5 items" in count_line(client.get("/domains/past-harm/"))
    restrict_to_members(five_notes[0])
    response = client.get("/domains/past-harm/?page=3")
    assert "4 items, page 2 of 2" in count_line(response)
    assert card_titles(client.get("/domains/past-harm/?page=2")) == ["Note 3", "Note 2"]


def test_a_second_view_does_not_count_the_listing_again(client, learning_index, five_notes):
    client.get(learning_index.url)
    again = statements(client, learning_index.url)
    assert not [sql for sql in again if "COUNT(" in sql.upper()]
    assert "5 items, page 1 of 3" in count_line(client.get(learning_index.url))


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's plan: without statistics its planner sorted every page; PostgreSQL already walks the "
    "date index (its plans at 10,000 pages are in docs/performance.md), and a few test rows say nothing of it",
)
def test_the_page_is_read_by_id_or_from_the_date_index_not_by_sorting_every_page(
    client, learning_index, five_notes, keep_ids_up_to
):
    first = [sql for sql in statements(client, learning_index.url) if '"learning_learningnotepage"' in sql]
    again = [sql for sql in statements(client, learning_index.url) if '"learning_learningnotepage"' in sql]
    # With the ids and the cards kept, a second view reads no page, short listing or long.
    assert again == []
    # The first read them by id (a short listing) or walked the date index for them (a long one).
    page_query = first[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + page_query)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "SCAN wagtailcore_page" not in plan
    if keep_ids_up_to == 0:
        assert "core_knowledgepage_newest" in plan


def test_newest_slice_returns_what_slicing_returns_for_every_page(learning_index, case_study_index):
    start = datetime.date(2024, 1, 1)
    for number in range(30):
        day = start + datetime.timedelta(days=number // 3)  # three pages a day: ties broken by id
        note(learning_index, f"Note {number}", day, settings=["care-homes" if number % 2 else "general-practice"])
        CaseStudyPageFactory(parent=case_study_index, date=day, settings=["care-homes"], safety_domains=["past-harm"])
    restrict_to_members(LearningNotePage.objects.get(title="Note 7"))
    LearningNotePage.objects.get(title="Note 12").unpublish()
    member = MemberFactory()
    listings = [
        LearningNotePage.objects.child_of(learning_index).for_listing(None),
        LearningNotePage.objects.child_of(learning_index).for_listing(member),
        KnowledgePage.objects.for_listing(None).filter(settings__slug="care-homes"),
        KnowledgePage.objects.for_listing(member).filter(settings__slug="care-homes"),
    ]
    for listing in listings:
        total = listing.count()
        for bottom in range(0, total + 4, 4):
            expected = [(page.pk, page.members_only) for page in listing[bottom : bottom + 4]]
            walked = [(page.pk, page.members_only) for page in listing.newest_slice(bottom, bottom + 4)]
            assert walked == expected, (listing.model, bottom)
