"""The search page and the header box's suggestions, as a reader meets them."""

import datetime
import json
import logging
import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from wagtail.contrib.search_promotions.models import Query as SearchedQuery
from wagtail.models import PageViewRestriction

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.core.pagecache import bump_generation
from portal.members.factories import MemberFactory
from portal.updates.factories import UpdatePageFactory
from search import service
from search.models import ZeroResultSearch
from search.results import EngineUnavailable
from tests.helpers import card_titles, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


def text_of(html):
    """The words a reader sees in the page's main content, tags removed and spaces tidied."""
    main = html.split('id="maincontent"', 1)[1].split("<footer", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    return re.sub(r" ([).?,])", r"\1", text).replace("( ", "(")


def html_of(response):
    return response.content.decode()


def status_of(response):
    return re.search(r'role="status">([^<]*)<', response.content.decode()).group(1)


def test_search_finds_a_word_in_the_body_of_a_learning_note(client, learning_index, case_study_index):
    LearningNotePageFactory(
        parent=learning_index, title="Night staff and drinks", what_happened="Thirsty residents walked the corridor."
    )
    CaseStudyPageFactory(parent=case_study_index, title="Insulin passports", problem="<p>Doses were missed.</p>")
    response = client.get("/search/?q=corridor")
    assert card_titles(response) == ["Night staff and drinks"]
    assert "1 result for ‘corridor’" in response.content.decode()


def test_search_never_shows_drafts(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Published sepsis note", what_we_tried="sepsis screening")
    draft = LearningNotePageFactory(parent=learning_index, title="Draft sepsis note", what_we_tried="sepsis screening")
    draft.unpublish()
    assert card_titles(client.get("/search/?q=sepsis")) == ["Published sepsis note"]
    assert "Draft sepsis note" not in client.get("/search/suggest/?q=seps").content.decode()


def test_empty_search_shows_the_form_and_no_results(client, db):
    html = client.get("/search/").content.decode()
    assert '<input class="nhsuk-input nhsuk-u-width-two-thirds" id="search-page-field" name="q"' in html
    assert "result" not in html.split("</form>", 1)[1].split("<footer", 1)[0]
    assert "Browse by care setting" in html


def test_no_match_suggests_browsing_and_escapes_the_query(client, db):
    html = client.get("/search/?q=<script>zzz</script>").content.decode()
    assert "Nothing matched" in html
    assert "<script>zzz</script>" not in html
    assert "&lt;script&gt;zzz&lt;/script&gt;" in html
    assert '<a href="/settings/care-homes/">Care homes</a>' in html
    assert '<a href="/domains/past-harm/">Past harm</a>' in html


def test_search_query_count_is_the_same_for_one_result_and_a_full_page(client, learning_index, navigation):
    LearningNotePageFactory(parent=learning_index, what_we_tried="handover checklist")
    client.get("/search/?q=handover")
    one = count_queries(client, "/search/?q=handover")
    LearningNotePageFactory.create_batch(
        30, parent=learning_index, what_we_tried="handover checklist", settings=["care-homes", "whole-system"]
    )
    client.get("/search/?q=handover")  # publishing replaced the generation: the header and footer are read again
    full_page = count_queries(client, "/search/?q=handover")
    assert one == full_page
    # Search 6, counting the search 2; the header and footer are kept until content changes.
    assert full_page <= 9


def test_a_search_naming_a_topic_costs_the_same_for_few_and_many_results(client, learning_index, navigation):
    # Pages tagged "handover" match it through their index entry, whether or not their text says it.
    LearningNotePageFactory(parent=learning_index, what_we_tried="handover checklist", tags=["handover"])
    LearningNotePageFactory(parent=learning_index, title="Shift change at two", tags=["handover"])
    client.get("/search/?q=handover")
    few = count_queries(client, "/search/?q=handover")
    LearningNotePageFactory.create_batch(30, parent=learning_index, what_we_tried="handover", tags=["handover"])
    for number in range(30):
        LearningNotePageFactory(parent=learning_index, title=f"Shift change {number}", tags=["handover"])
    cache.clear()  # the new pages' topics are known at once, not ten minutes later
    client.get("/search/?q=handover")
    many = count_queries(client, "/search/?q=handover")
    assert few == many <= 18


def test_filtered_search_query_count_does_not_grow_with_the_results(client, learning_index, navigation):
    url = "/search/?q=handover&setting=care-homes&domain=past-harm&type=learning-note&tag=staffing"
    LearningNotePageFactory(parent=learning_index, what_we_tried="handover checklist", tags=["staffing"])
    client.get(url)
    few = count_queries(client, url)
    LearningNotePageFactory.create_batch(40, parent=learning_index, what_we_tried="handover", tags=["staffing"])
    client.get(url)  # publishing replaced the generation: the header and footer are read again
    assert count_queries(client, url) == few


def test_words_are_marked_in_the_snippet_and_a_script_in_the_text_stays_text(client, learning_index):
    LearningNotePageFactory(
        parent=learning_index,
        title="Falls sensor trial",
        summary='We tried sensors for falls. <script>alert("x")</script> & more.',
    )
    html = client.get("/search/?q=falls").content.decode()
    snippet = re.search(r'portal-hit__snippet">(.*?)</p>', html).group(1)
    assert snippet == (
        "We tried sensors for <mark>falls</mark>. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more."
    )


def test_a_passage_of_the_text_is_shown_when_only_the_body_has_the_words(client, learning_index):
    LearningNotePageFactory(
        parent=learning_index,
        title="Night routines",
        summary="How our night team works.",
        what_happened="Residents who woke at three were offered a warm drink and fewer fell.",
    )
    html = client.get("/search/?q=warm+drink").content.decode()
    assert "offered a <mark>warm</mark> <mark>drink</mark> and fewer fell." in html


def test_a_facet_narrows_the_results_keeps_the_search_and_shows_a_chip(client, learning_index, case_study_index):
    LearningNotePageFactory(
        parent=learning_index, title="Falls in a care home", settings=["care-homes"], tags=["falls"]
    )
    LearningNotePageFactory(parent=learning_index, title="Falls on a ward", settings=["acute-hospital"], tags=["falls"])
    CaseStudyPageFactory(parent=case_study_index, title="Falls across the city", settings=["whole-system"])

    everything = client.get("/search/?q=falls")
    assert status_of(everything) == "3 results for ‘falls’"
    html = everything.content.decode()
    assert '<a class="portal-facet__link" href="?q=falls&amp;setting=care-homes">Care homes' in html

    narrowed = client.get("/search/?q=falls&setting=care-homes")
    assert card_titles(narrowed) == ["Falls in a care home"]
    assert status_of(narrowed) == "1 result for ‘falls’"
    text = text_of(narrowed.content.decode())
    assert "Showing only Remove the care setting filter: Care homes ×" in text
    # Other settings still show what they would give with the search alone.
    assert "Acute hospital (1 result)" in text
    # The chip removes its filter and keeps the search.
    assert 'href="?q=falls">Clear all filters</a>' in narrowed.content.decode()


def test_two_values_of_one_facet_show_pages_with_either(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls in a care home", settings=["care-homes"])
    LearningNotePageFactory(parent=learning_index, title="Falls on a ward", settings=["acute-hospital"])
    LearningNotePageFactory(parent=learning_index, title="Falls in pharmacy", settings=["community-pharmacy"])
    response = client.get("/search/?q=falls&setting=care-homes&setting=acute-hospital&sort=newest")
    assert sorted(card_titles(response)) == ["Falls in a care home", "Falls on a ward"]
    # Each chip removes only its own value, and keeps the search and the order.
    chips = re.findall(
        r'class="portal-term portal-term--active" href="\?([^"]+)">.*?</span>([^<]+) <', html_of(response)
    )
    assert {label: parse_qs(unescape(query)) for query, label in chips} == {
        "Care homes": {"q": ["falls"], "sort": ["newest"], "setting": ["acute-hospital"]},
        "Acute hospital": {"q": ["falls"], "sort": ["newest"], "setting": ["care-homes"]},
    }


def test_a_filter_that_names_nothing_is_reported_and_ignored(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls in a care home")
    response = client.get("/search/?q=falls&setting=no-such-setting&year=twenty")
    assert card_titles(response) == ["Falls in a care home"]
    text = text_of(response.content.decode())
    assert "There is no care setting with that name. Showing all care settings instead." in text
    assert "There is no year with that name. Showing all years instead." in text


def test_only_filters_lists_everything_in_that_setting_newest_first(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Older", settings=["care-homes"], date="2020-01-01")
    LearningNotePageFactory(parent=learning_index, title="Newer", settings=["care-homes"], date="2024-01-01")
    LearningNotePageFactory(parent=learning_index, title="Elsewhere", settings=["mental-health"])
    response = client.get("/search/?setting=care-homes")
    assert card_titles(response) == ["Newer", "Older"]
    assert status_of(response) == "2 results"


def test_newest_first_orders_by_date_and_can_switch_back(client, learning_index):
    for year in (2019, 2023, 2021):
        LearningNotePageFactory(parent=learning_index, title=f"Hydration in {year}", date=f"{year}-05-01")
    response = client.get("/search/?q=hydration&sort=newest")
    assert card_titles(response) == ["Hydration in 2023", "Hydration in 2021", "Hydration in 2019"]
    text = text_of(response.content.decode())
    assert "Sorted by newest first. Sort by best match" in text


def test_results_come_ten_to_a_page_and_a_page_too_far_shows_the_last(client, learning_index):
    for number in range(23):
        LearningNotePageFactory(
            parent=learning_index,
            title=f"Handover note {number:02d}",
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
        )
    first = client.get("/search/?q=handover&sort=newest")
    assert status_of(first) == "23 results for ‘handover’, page 1 of 3"
    assert card_titles(first)[0] == "Handover note 22"
    last = client.get("/search/?q=handover&sort=newest&page=99")
    assert status_of(last) == "23 results for ‘handover’, page 3 of 3"
    assert card_titles(last) == ["Handover note 02", "Handover note 01", "Handover note 00"]
    assert 'aria-label="Page 2"' in last.content.decode()


def test_a_misspelt_search_shows_the_corrected_results_and_offers_the_original(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Medicines rounds at night", summary="About medicines.")
    response = client.get("/search/?q=medcines")
    assert card_titles(response) == ["Medicines rounds at night"]
    text = text_of(response.content.decode())
    assert "Showing results for medicines. Search instead for medcines." in text
    assert status_of(response) == "1 result for ‘medicines’"

    original = client.get("/search/?q=medcines&exact=1")
    assert card_titles(original) == []
    assert "Did you mean medicines?" in text_of(original.content.decode())


def test_two_misspelt_words_one_only_ever_in_page_bodies_are_both_corrected(client, learning_index):
    """A phone review: "medcines erors" found nothing and offered nothing ("errors" is in no title)."""
    LearningNotePageFactory(
        parent=learning_index, title="Medicines rounds at night", what_happened="Two errors were caught."
    )
    LearningNotePageFactory(parent=learning_index, title="Insulin at teatime", what_happened="Fewer errors since.")
    response = client.get("/search/?q=medcines+erors")
    assert card_titles(response) == ["Medicines rounds at night"]
    assert "Showing results for medicines errors. Search instead for medcines erors." in text_of(
        response.content.decode()
    )


def test_synonyms_and_plurals_find_the_same_pages(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Pressure ulcers at home", summary="Turning charts.")
    for text in ("bed sores", "pressure sore", "pressure ulcer", "Pressure Ulcers"):
        assert card_titles(client.get(f"/search/?q={text}")) == ["Pressure ulcers at home"], text


def test_a_topic_tag_is_found_even_when_the_text_never_names_it(client, learning_index):
    LearningNotePageFactory(
        parent=learning_index, title="Soft signs card", summary="Carers tick a box.", tags=["sepsis"]
    )
    assert card_titles(client.get("/search/?q=sepsis")) == ["Soft signs card"]


def test_a_member_only_page_is_found_only_by_members_and_other_private_pages_by_nobody(
    client, learning_index, django_user_model
):
    open_note = LearningNotePageFactory(parent=learning_index, title="Open falls note")
    restrict_to_members(LearningNotePageFactory(parent=learning_index, title="Members falls note"))
    behind_login = LearningNotePageFactory(parent=learning_index, title="Signed-in falls note")
    secret = LearningNotePageFactory(parent=learning_index, title="Password falls note")
    PageViewRestriction.objects.create(page=behind_login, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="pw")
    assert card_titles(client.get("/search/?q=falls")) == [open_note.title]
    assert "Members falls note" not in client.get("/search/suggest/?q=falls").content.decode()

    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert card_titles(client.get("/search/?q=falls")) == [open_note.title]

    client.force_login(MemberFactory())
    response = client.get("/search/?q=falls")
    assert sorted(card_titles(response)) == ["Members falls note", "Open falls note"]
    assert html_of(response).count(">Members only</strong>") == 1
    suggestions = client.get("/search/suggest/?q=falls").content.decode()
    assert "Members falls note" in suggestions
    assert "Password falls note" not in suggestions and "Signed-in falls note" not in suggestions


def test_results_may_be_incomplete_when_elasticsearch_is_down(client, learning_index, monkeypatch, caplog):
    LearningNotePageFactory(parent=learning_index, title="Falls note")

    class Unreachable:
        def search(self, query):
            raise EngineUnavailable("connection refused")

    from search.engines.database import DatabaseEngine

    monkeypatch.setattr(service, "get_engine", lambda: service.FallbackEngine(Unreachable(), DatabaseEngine()))
    with caplog.at_level(logging.WARNING, logger="search.service"):
        response = client.get("/search/?q=falls")
    assert card_titles(response) == ["Falls note"]
    assert "Results may be incomplete right now" in response.content.decode()
    assert "connection refused" in caplog.text


def test_suggestions_are_titles_that_start_with_what_was_typed(client, learning_index, case_study_index):
    LearningNotePageFactory(parent=learning_index, title="Falls <b>at</b> night", slug="falls-at-night")
    CaseStudyPageFactory(parent=case_study_index, title="Fewer falls with drinks", slug="fewer-falls")
    LearningNotePageFactory(parent=learning_index, title="Sepsis cards")
    response = client.get("/search/suggest/?q=fal")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["query"] == "fal"
    assert sorted((item["title"], item["type_label"], item["url"]) for item in data["results"]) == [
        ("Falls <b>at</b> night", "Learning note", "/learning/falls-at-night/"),
        ("Fewer falls with drinks", "Case study", "/case-studies/fewer-falls/"),
    ]
    assert "<b>" not in response.content.decode()  # JSON escapes markup; the script inserts text
    assert json.loads(client.get("/search/suggest/?q=f").content)["results"] == []
    assert json.loads(client.get('/search/suggest/?q="*%00').content)["results"] == []


def test_each_search_is_counted_and_those_that_found_nothing_too(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls note")
    client.get("/search/?q=Falls")
    client.get("/search/?q=falls")
    client.get("/search/?q=falls&page=2")  # turning pages is not searching again
    client.get("/search/?q=falls&setting=care-homes")  # nor is narrowing
    client.get("/search/?q=qqqq")
    counted = {query.query_string: query.hits for query in SearchedQuery.objects.all()}
    assert counted == {"falls": 2, "qqqq": 1}
    assert list(ZeroResultSearch.objects.values_list("query_string", "hits")) == [("qqqq", 1)]


def test_related_learning_at_the_foot_of_a_page(client, learning_index, case_study_index, update_index):
    page = LearningNotePageFactory(
        parent=learning_index, title="This note", settings=["care-homes"], tags=["falls", "hydration"]
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Shares two topics",
        settings=["mental-health"],
        tags=["falls", "hydration"],
        date="2020-01-01",
    )
    CaseStudyPageFactory(
        parent=case_study_index,
        title="Shares one topic and the setting",
        settings=["care-homes"],
        tags=["falls"],
        date="2021-01-01",
    )
    UpdatePageFactory(
        parent=update_index,
        title="Shares the setting, newer",
        settings=["care-homes"],
        safety_domains=["reliability"],
        date="2024-01-01",
    )
    UpdatePageFactory(
        parent=update_index,
        title="Shares the setting, older",
        settings=["care-homes"],
        safety_domains=["reliability"],
        date="2019-01-01",
    )
    draft = LearningNotePageFactory(parent=learning_index, title="Draft, shares all", tags=["falls", "hydration"])
    draft.unpublish()

    html = client.get(page.url).content.decode()
    related = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    titles = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', related)
    assert titles == [
        "Shares two topics",
        "Shares one topic and the setting",
        "Shares the setting, newer",
        "Shares the setting, older",
    ]
    assert "Case study, <time" in related


def test_related_learning_costs_the_same_for_few_and_many_pages(client, learning_index, navigation):
    page = LearningNotePageFactory(parent=learning_index, tags=["falls"])
    LearningNotePageFactory(parent=learning_index, tags=["falls"])
    client.get(page.url)
    bump_generation()  # as publishing does: related learning is found afresh
    first_of_few = count_queries(client, page.url)
    few = count_queries(client, page.url)
    LearningNotePageFactory.create_batch(20, parent=learning_index, tags=["falls", "dementia"])
    first_of_many = count_queries(client, page.url)
    many = count_queries(client, page.url)
    assert first_of_few == first_of_many
    assert few == many < first_of_few  # kept until content changes


def _related_titles(html):
    related = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', related)


def test_related_learning_follows_publishing_and_unpublishing(client, learning_index):
    page = LearningNotePageFactory(parent=learning_index, title="This note", tags=["hoists"])
    LearningNotePageFactory(parent=learning_index, title="Older hoists note", tags=["hoists"], date="2020-01-01")
    assert _related_titles(client.get(page.url).content.decode()) == ["Older hoists note"]

    newer = LearningNotePageFactory(
        parent=learning_index, title="Newer hoists note", tags=["hoists"], date="2025-01-01"
    )
    newer.save_revision().publish()
    assert _related_titles(client.get(page.url).content.decode()) == ["Newer hoists note", "Older hoists note"]

    newer.unpublish()
    assert _related_titles(client.get(page.url).content.decode()) == ["Older hoists note"]


def test_related_learning_kept_for_the_public_never_shows_members_theirs_or_the_reverse(client, learning_index):
    page = LearningNotePageFactory(parent=learning_index, title="This note", tags=["hoists"])
    LearningNotePageFactory(parent=learning_index, title="Open note", tags=["hoists"], date="2020-01-01")
    restrict_to_members(
        LearningNotePageFactory(parent=learning_index, title="Members only note", tags=["hoists"], date="2021-01-01")
    )

    assert _related_titles(client.get(page.url).content.decode()) == ["Open note"]
    client.force_login(MemberFactory())
    assert _related_titles(client.get(page.url).content.decode()) == ["Members only note", "Open note"]
    client.logout()
    assert _related_titles(client.get(page.url).content.decode()) == ["Open note"]


def test_the_page_title_carries_the_count_the_search_and_the_filters(client, learning_index):
    """After a filter is applied the page reloads: its title is the first thing a screen reader reads."""
    LearningNotePageFactory(parent=learning_index, title="Falls in a care home", settings=["care-homes"])
    LearningNotePageFactory(parent=learning_index, title="Falls on a ward", settings=["acute-hospital"])

    def title(url):
        return re.search(r"<title>([^<]*)</title>", client.get(url).content.decode()).group(1)

    assert title("/search/?q=falls") == "2 results for ‘falls’ – Safety Learning Portal"
    assert title("/search/?q=falls&setting=care-homes") == "1 result for ‘falls’ (Care homes) – Safety Learning Portal"
    assert title("/search/") == "Search – Safety Learning Portal"


def test_the_two_search_forms_on_the_search_page_have_different_names(client, db):
    html = client.get("/search/?q=falls").content.decode()
    assert '<search class="nhsuk-header__search" aria-label="Site search">' in html
    assert 'role="search" aria-label="Search learning"' in html


def test_a_client_searching_faster_than_a_person_is_asked_to_wait_and_keeps_its_words(client, learning_index, settings):
    """Each search costs the server work; one client sending many a second slowed every reader."""
    from django.core.cache import cache

    cache.clear()
    settings.PORTAL_SITE_SEARCH_RATE = "3/minute"
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Night checks.")
    for _ in range(3):
        assert client.get("/search/?q=falls").status_code == 200
    response = client.get("/search/?q=bed+rails+falls")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many searches in a short time" in page
    assert "<title>Too many searches: wait a minute" in page
    assert 'value="bed rails falls"' in page
    assert int(response["Retry-After"]) >= 1
    assert client.get("/search/").status_code == 200  # the empty form is not a search
    other = client.get("/search/?q=falls", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200 and "Falls at night" in other.content.decode()


def test_a_topic_only_a_draft_or_a_member_only_page_has_is_unknown_to_those_who_cannot_see_it(client, learning_index):
    """An attacker confirmed words from drafts: "?tag=<a draft's topic>" said "0 results (<topic>)",
    where a topic that did not exist was ignored."""
    LearningNotePageFactory(parent=learning_index, title="Open falls note", tags=["falls"])
    LearningNotePageFactory(parent=learning_index, title="Unsent", tags=["quokkaplume"], live=False)
    restrict_to_members(LearningNotePageFactory(parent=learning_index, title="Members note", tags=["wombatfjord"]))

    def answer(tag):
        page = text_of(html_of(client.get("/search/", {"q": "falls", "tag": tag})))
        return page.replace(tag, "TAG")

    made_up = answer("nonexistentqq")
    assert "There is no topic with that name" in made_up
    assert "Open falls note" in made_up
    assert answer("quokkaplume") == made_up
    assert answer("wombatfjord") == made_up
    client.force_login(MemberFactory())
    assert "There is no topic with that name" not in answer("wombatfjord")
    assert "There is no topic with that name" in answer("quokkaplume")
