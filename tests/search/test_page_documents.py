"""The search's own row for each knowledge page on PostgreSQL (``search_pagedocument``), kept by triggers.

A search on PostgreSQL finds its matches, reads their type, year, settings,
domains and topics, and groups them for ranking from this table (migration
``search.0008``). These tests change pages as editors do (publish a new
revision, unpublish, restrict, move, delete), and as other code does (an index
entry of another kind of object, ``TRUNCATE``), and assert what a reader then
finds, and that each row is what its page's tables say now. They run on
PostgreSQL only: the table exists nowhere else, and SQLite searches its own
full-text table.
"""

import datetime
from functools import partial

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction
from wagtail.search.models import IndexEntry

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.core.models import KnowledgePage
from portal.members.factories import MemberFactory
from search import service
from search.engines import database
from tests.helpers import facets_seen

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the table and its triggers exist on PostgreSQL only"),
]


@pytest.fixture(autouse=True)
def _fresh_caches():
    cache.clear()  # the vocabularies and restrictions are kept until content changes; start each test clean


def the_copy():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page_id, live, path, content_type_id, date, title, summary, settings, domains, tags, vector::text "
            "FROM search_pagedocument ORDER BY page_id"
        )
        return [tuple(row) for row in cursor.fetchall()]


def worked_out_afresh():
    """What each knowledge page's row should hold, read from the page, its links and its own index entry."""
    rows = []
    for page in KnowledgePage.objects.order_by("pk"):
        specific = page.specific
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (title || body)::text FROM wagtailsearch_indexentry "
                "WHERE content_type_id = %s AND object_id = %s",
                [page.content_type_id, str(page.pk)],
            )
            entry = cursor.fetchone()
        if entry is None:
            continue
        rows.append(
            (
                page.pk,
                page.live,
                page.path,
                page.content_type_id,
                page.date,
                page.title,
                page.summary,
                sorted(page.settings.values_list("pk", flat=True)),
                sorted(page.safety_domains.values_list("pk", flat=True)),
                sorted(specific.tags.values_list("pk", flat=True)),
                entry[0],
            )
        )
    return rows


def found(text, filters=None, user=None):
    return [hit.title for hit in service.query(text, filters, user=user).hits]


def test_every_page_type_has_its_row_as_its_tables_say(one_page_of_each_type):
    made = one_page_of_each_type

    rows = the_copy()
    assert [row[0] for row in rows] == [page.pk for page in made]
    assert rows == worked_out_afresh()
    assert all(row[9] for row in rows)  # every page's two topics made it into its row


def test_a_new_title_summary_and_date_are_what_a_reader_finds(client, learning_index):
    page = LearningNotePageFactory(
        parent=learning_index,
        title="Falls at night",
        summary="Sensor mats in two homes.",
        what_happened="Residents got up alone.",
        date=datetime.date(2023, 5, 1),
    )
    LearningNotePageFactory(parent=learning_index, title="Care plans", what_happened="Hydration in the body only.")
    assert found("falls") == ["Falls at night"]

    page.title = "Hydration rounds at night"
    page.summary = "Jugs refilled every two hours."
    page.date = datetime.date(2025, 2, 3)
    page.save_revision().publish()
    cache.clear()

    # Title matches come first: the renamed page now leads a search for its new word.
    assert found("hydration") == ["Hydration rounds at night", "Care plans"]
    assert found("falls") == []
    assert found("jugs") == ["Hydration rounds at night"]
    assert facets_seen(client, "/search/?q=hydration")["2025"] == 1
    assert the_copy() == worked_out_afresh()


def test_unpublished_restricted_moved_and_deleted_pages_are_found_by_those_who_may_see_them(
    learning_index, case_study_index
):
    gone = LearningNotePageFactory(parent=learning_index, title="Hoists on the ward")
    members = LearningNotePageFactory(parent=learning_index, title="Hoists for members")
    secret = LearningNotePageFactory(parent=learning_index, title="Hoists behind a password")
    moved = LearningNotePageFactory(parent=learning_index, title="Hoists moved")
    member = MemberFactory()
    assert sorted(found("hoists")) == [
        "Hoists behind a password",
        "Hoists for members",
        "Hoists moved",
        "Hoists on the ward",
    ]

    gone.unpublish()
    restrict_to_members(members)
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")
    moved.move(case_study_index, pos="last-child")
    cache.clear()

    assert found("hoists") == ["Hoists moved"]
    assert sorted(found("hoists", user=member)) == ["Hoists for members", "Hoists moved"]
    assert the_copy() == worked_out_afresh()

    moved_id = moved.pk
    KnowledgePage.objects.get(pk=moved_id).delete()
    cache.clear()
    assert moved_id not in [row[0] for row in the_copy()]
    assert sorted(found("hoists", user=member)) == ["Hoists for members"]


def test_new_settings_and_topics_are_counted_and_filtered_at_once(client, learning_index):
    page = LearningNotePageFactory(parent=learning_index, title="Falls at night", settings=["care-homes"])
    assert found("falls", {"setting": ["mental-health"]}) == []

    page.settings.add(*page.settings.model.objects.filter(slug="mental-health"))
    page.tags.set(["sensor mats"])
    page.save()

    assert found("falls", {"setting": ["mental-health"]}) == ["Falls at night"]
    assert found("falls", {"tag": ["sensor-mats"]}) == ["Falls at night"]
    seen = facets_seen(client, "/search/?q=falls")
    assert seen["Care homes"] == seen["Mental health"] == seen["sensor mats"] == 1
    assert the_copy() == worked_out_afresh()


def test_an_index_entry_of_another_kind_of_object_with_the_same_id_leaves_the_page_alone(learning_index):
    """Index entries name their object by content type and a text id: an image can share a page's number."""
    page = LearningNotePageFactory(parent=learning_index, title="Kestrel boxes")
    before = the_copy()
    image_type = ContentType.objects.get_for_model(Image)
    empty = {"title": "", "autocomplete": "", "body": "", "title_text": "", "body_text": ""}
    entry = IndexEntry.objects.create(content_type=image_type, object_id=str(page.pk), **empty)
    IndexEntry.objects.create(content_type=image_type, object_id="not-a-number", **empty)
    IndexEntry.objects.create(content_type=image_type, object_id="99999999999", **empty)
    entry.delete()

    assert the_copy() == before == worked_out_afresh()
    assert found("kestrel") == ["Kestrel boxes"]


def test_emptying_the_index_entries_empties_the_copy(learning_index):
    """The test runner's flush and a hand-run ``TRUNCATE`` fire no row triggers; a statement trigger follows them."""
    LearningNotePageFactory(parent=learning_index, title="Kestrel boxes")
    assert the_copy()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own transaction holds deferred key checks
        cursor.execute("TRUNCATE wagtailsearch_indexentry")

    assert the_copy() == []
    assert found("kestrel") == []


def test_searches_find_and_count_exactly_as_the_page_tables_do(monkeypatch, learning_index, case_study_index):
    """The same searches, filters and readers, with the copy and without it (the tables Wagtail's backend joins)."""
    for number in range(12):
        body = "Falls, medication errors and hydration " * (number % 4 + 1)
        if number % 3:
            make = partial(LearningNotePageFactory, parent=learning_index, what_happened=body)
        else:
            make = partial(CaseStudyPageFactory, parent=case_study_index, problem=body)
        page = make(
            title=["Falls at night", "Medicines round", "Hydration"][number % 3] + f" {number}",
            summary=["Sensor mats.", "Falls and drugs.", "Water jugs."][number % 4 % 3],
            settings=[["care-homes"], ["acute-hospital", "care-homes"], ["mental-health"]][number % 3],
            safety_domains=[["past-harm"], ["reliability"]][number % 2],
            date=datetime.date(2020 + number % 4, 1, 1 + number),
        )
        page.tags.set([["falls"], ["medicines", "night"], []][number % 3])
        page.save()
        if number == 5:
            restrict_to_members(page)
        if number == 7:
            page.unpublish()
    member = MemberFactory()
    searches = [
        ("falls", {}),
        ("medication", {"setting": ["care-homes"], "domain": ["past-harm"]}),
        ("hydration", {"type": ["case-study"]}),
        ("falls", {"tag": ["medicines"], "year": ["2021"]}),
        ("night", {"setting": ["no-such-setting"]}),
        ("falls xylophone", {"setting": ["care-homes"]}),
        ("drugs water", {}),
    ]

    def answers():
        seen = []
        for text, filters in searches:
            for user in (None, member):
                for page_number in (1, 2):
                    results = service.query(text, filters, user=user, page=page_number, per_page=4)
                    seen.append(
                        (
                            text,
                            results.total,
                            [hit.page_id for hit in results.hits],
                            {
                                facet: [(value.key, value.count, value.selected) for value in values]
                                for facet, values in results.facets.items()
                            },
                            results.some_words,
                        )
                    )
        return seen

    with_copy = answers()
    monkeypatch.setattr(database, "visible_documents", lambda *args, **kwargs: None)
    without = answers()

    assert with_copy == without
    assert sum(total for _text, total, *_rest in with_copy) > 40  # the searches found pages to compare
