"""Listing pages: filters by setting, safety domain and topic; chips; pagination."""

import re

import pytest

from learning.factories import LearningNotePageFactory
from portal.core.pagecache import bump_generation
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(learning_index):
    return {
        "care home falls": LearningNotePageFactory(
            parent=learning_index,
            title="Night checks cut falls",
            date="2024-03-01",
            settings=["care-homes"],
            safety_domains=["past-harm"],
            tags=["falls"],
        ),
        "care home medicines": LearningNotePageFactory(
            parent=learning_index,
            title="Medicines round moved to nine",
            date="2024-05-01",
            settings=["care-homes"],
            safety_domains=["reliability"],
            tags=["medicines"],
        ),
        "gp falls": LearningNotePageFactory(
            parent=learning_index,
            title="Falls clinic referrals from the practice",
            date="2023-01-01",
            settings=["general-practice"],
            safety_domains=["past-harm"],
            tags=["falls"],
        ),
    }


def test_listing_shows_every_live_note_newest_first(client, learning_index, notes):
    draft = notes["gp falls"]
    draft.unpublish()
    response = client.get(learning_index.url)
    assert card_titles(response) == ["Medicines round moved to nine", "Night checks cut falls"]
    assert "2 items" in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?setting=care-homes", ["Medicines round moved to nine", "Night checks cut falls"]),
        ("?domain=past-harm", ["Night checks cut falls", "Falls clinic referrals from the practice"]),
        ("?tag=falls", ["Night checks cut falls", "Falls clinic referrals from the practice"]),
        ("?setting=care-homes&domain=past-harm&tag=falls", ["Night checks cut falls"]),
        ("?setting=general-practice&tag=medicines", []),
    ],
)
def test_filters_narrow_the_listing(client, learning_index, notes, query, expected):
    response = client.get(learning_index.url + query)
    assert card_titles(response) == expected


def test_active_filters_are_shown_with_links_that_remove_them(client, learning_index, notes):
    response = client.get(learning_index.url + "?setting=care-homes&domain=past-harm")
    html = response.content.decode()
    assert "Showing only" in html
    assert 'href="?domain=past-harm">Care homes' in html
    assert 'href="?setting=care-homes">Past harm' in html


def test_an_unknown_filter_value_is_explained_next_to_its_field_and_ignored(client, learning_index, notes):
    response = client.get(learning_index.url + "?setting=<script>alert(1)</script>&tag=falls")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no care setting with that name. Showing all care settings instead." in html
    assert "<script>alert(1)</script>" not in html
    assert card_titles(response) == ["Night checks cut falls", "Falls clinic referrals from the practice"]


def test_topic_filter_offers_only_topics_in_use(client, learning_index, notes):
    html = client.get(learning_index.url).content.decode()
    offered = re.findall(r'<option value="([^"]*)"', html.split('name="tag"')[1].split("</select>")[0])
    assert offered == ["", "falls", "medicines"]


def test_listing_paginates_and_keeps_filters_in_page_links(client, learning_index, settings):
    settings.PORTAL_PAGE_SIZE = 2
    for day in range(1, 6):
        LearningNotePageFactory(parent=learning_index, title=f"Note {day}", date=f"2024-01-0{day}")
    first = client.get(learning_index.url + "?setting=care-homes")
    assert card_titles(first) == ["Note 5", "Note 4"]
    assert "5 items, page 1 of 3" in first.content.decode()
    assert 'href="?setting=care-homes&amp;page=2"' in first.content.decode()
    assert card_titles(client.get(learning_index.url + "?setting=care-homes&page=3")) == ["Note 1"]
    # Nonsense page numbers show a real page rather than an error.
    assert card_titles(client.get(learning_index.url + "?page=99")) == ["Note 1"]
    assert card_titles(client.get(learning_index.url + "?page=abc")) == ["Note 5", "Note 4"]


def test_listing_query_count_stays_the_same_from_10_to_200_notes(client, learning_index, navigation):
    url = learning_index.url + "?setting=care-homes"
    LearningNotePageFactory.create_batch(10, parent=learning_index, tags=["falls", "medicines"])
    client.get(url)  # warm per-process caches (content types, site root paths)
    bump_generation()  # as publishing does: the topics in use and the count are found afresh
    first_at_10 = count_queries(client, url)
    at_10 = count_queries(client, url)
    LearningNotePageFactory.create_batch(190, parent=learning_index, tags=["falls", "handover"])
    first_at_200 = count_queries(client, url)
    at_200 = count_queries(client, url)
    # After a change the topics in use, the count, the listing's pages (their ids, in order), the filter
    # form's choices, the header's settings, the footer and the breadcrumb are found afresh, then kept.
    # So are the site, the view restrictions and the cards, so a second view reads only the path's
    # pages and the listing itself.
    assert first_at_10 == first_at_200 <= at_10 + 19
    assert at_10 == at_200
    assert at_200 <= 3  # the path, the listing page and the setting chosen; everything else is kept


def test_a_filtered_listing_says_so_before_the_filter_form(client, notes):
    """On a phone the form fills the first screens, so the chips and the count come first in the page."""
    html = client.get("/learning/?setting=care-homes&tag=falls").content.decode()
    main = html.split('id="maincontent"', 1)[1]
    assert main.index("Showing only") < main.index('class="portal-filters"')
    assert main.index('id="listing-count"') < main.index('class="portal-filters"')
    # The form sits in a details element whose summary says how many filters are chosen.
    assert re.search(r"<summary[^>]*>\s*<span[^>]*>Filter \(2 chosen\)</span>", main)


def test_an_unfiltered_listing_offers_the_filter_without_a_count_of_choices(client, notes):
    main = client.get("/learning/").content.decode().split('id="maincontent"', 1)[1]
    assert ">Filter</span>" in main
    assert "Showing only" not in main


def test_the_filters_are_drawn_without_a_template_per_option(client, learning_index, notes):
    """Django draws a select through a template per option (a third of a millisecond each);
    the listing draws its filters' options in Python, with the same HTML (test_nhsuk_forms)."""
    response = client.get(learning_index.url + "?setting=care-homes")
    drawn = {template.name for template in response.templates}
    assert "django/forms/widgets/select_option.html" not in drawn
    html = response.content.decode()
    assert '<option value="care-homes" selected>Care homes</option>' in html
    assert '<select name="setting" class="nhsuk-select" id="id_setting">' in html
