"""The search service's interface and the database engine behind it."""

import datetime
import itertools
import logging

import pytest
from django.core.cache import cache

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.core.models import KnowledgePage
from portal.updates.factories import UpdatePageFactory
from search import highlight, service
from search.engines.database import DatabaseEngine
from search.results import EngineUnavailable, Hit, Query, Results, Term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


@pytest.fixture
def varied_pages(learning_index, case_study_index, peer_visit_index, update_index):
    """Pages about falls over several settings, domains, types, topics and years, plus some that are not."""
    settings = ["care-homes", "acute-hospital", "general-practice", "whole-system"]
    domains = ["past-harm", "reliability", "sensitivity-to-operations"]
    tags = [["falls"], ["falls", "dementia"], ["hydration"], []]
    factories = [
        (LearningNotePageFactory, learning_index),
        (CaseStudyPageFactory, case_study_index),
        (PeerVisitReportPageFactory, peer_visit_index),
        (UpdatePageFactory, update_index),
    ]
    combinations = itertools.product(range(4), range(3), range(4))
    for number, (s, d, t) in enumerate(combinations):
        factory, parent = factories[number % 4]
        factory(
            parent=parent,
            title=f"Falls work {number}" if number % 5 else f"Staffing work {number}",
            summary="What we learned about falls." if number % 5 else "Nothing about that.",
            settings=settings[s : s + 2],
            safety_domains=[domains[d]],
            tags=tags[t],
            date=datetime.date(2018 + number % 5, 3, 1),
        )


FILTER_CASES = [
    {},
    {"setting": ["care-homes"]},
    {"setting": ["care-homes", "general-practice"]},
    {"domain": ["reliability"], "type": ["case-study"]},
    {"tag": ["falls"], "year": ["2020"]},
    {"setting": ["acute-hospital"], "domain": ["past-harm"], "tag": ["dementia"], "type": ["learning-note"]},
]


def orm_count(ids, filters):
    """How many pages the ORM finds among ``ids`` for ``filters`` (any value within a facet, every facet)."""
    pages = KnowledgePage.objects.live().filter(pk__in=ids)
    type_models = {"case-study": "casestudypage", "learning-note": "learningnotepage",
                   "peer-visit-report": "peervisitreportpage", "update": "updatepage"}  # fmt: skip
    for facet, values in filters.items():
        if facet == "setting":
            pages = pages.filter(settings__slug__in=values)
        elif facet == "domain":
            pages = pages.filter(safety_domains__slug__in=values)
        elif facet == "type":
            pages = pages.filter(content_type__model__in=[type_models[value] for value in values])
        elif facet == "year":
            pages = pages.filter(date__year__in=[int(value) for value in values])
        elif facet == "tag":
            ids_tagged = set()
            for model in ("casestudypage", "learningnotepage", "peervisitreportpage", "updatepage"):
                lookup = {f"{model}__tagged_items__tag__slug__in": values}
                ids_tagged |= set(pages.filter(**lookup).values_list("pk", flat=True))
            pages = pages.filter(pk__in=ids_tagged)
    return pages.distinct().count()


@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda filters: "&".join(filters) or "none")
def test_facet_counts_equal_orm_counts_for_the_same_filters(varied_pages, filters):
    results = service.query("falls", filters, per_page=200)
    everything = [hit.page_id for hit in service.query("falls", per_page=200).hits]
    assert results.total == orm_count(everything, filters) == len(results.hits)
    for facet, values in results.facets.items():
        others = {name: chosen for name, chosen in filters.items() if name != facet}
        for value in values:
            assert value.count == orm_count(everything, {**others, facet: [value.key]}), (facet, value)
            assert value.selected == (value.key in filters.get(facet, []))
    # Every value that would give results is offered.
    assert sum(value.count for value in results.facets["type"]) == orm_count(
        everything, {name: chosen for name, chosen in filters.items() if name != "type"}
    )


def test_a_search_returns_hits_with_what_a_card_needs(learning_index):
    page = LearningNotePageFactory(
        parent=learning_index,
        title="Evening drinks and falls",
        summary="Falls dropped after the drinks round moved.",
        settings=["general-practice", "care-homes"],
        safety_domains=["reliability", "past-harm"],
        date="2018-06-12",
    )
    results = service.query("falls")
    assert results.total == 1 and results.num_pages == 1
    assert results.hits == [
        Hit(
            page_id=page.pk,
            title="Evening drinks and falls",
            content_type="learning-note",
            url=page.url,
            date=datetime.date(2018, 6, 12),
            settings=(Term("care-homes", "Care homes"), Term("general-practice", "General practice")),
            domains=(Term("past-harm", "Past harm"), Term("reliability", "Reliability")),
            snippet="<mark>Falls</mark> dropped after the drinks round moved.",
        )
    ]
    assert results.hits[0].content_type_label == "Learning note"
    assert [value.label for value in results.facets["type"]] == ["Learning note"]
    assert [(value.key, value.count) for value in results.facets["year"]] == [("2018", 1)]


def test_results_count_their_pages():
    query = Query(text="x", per_page=10)
    assert Results(query=query, hits=[], total=0, facets={}).num_pages == 1
    assert Results(query=query, hits=[], total=21, facets={}).num_pages == 3
    assert Results(query=query, hits=[], total=21, facets={}, num_pages=2).num_pages == 2


def test_the_database_engine_is_used_without_elasticsearch(settings):
    settings.ELASTICSEARCH_URL = ""
    assert isinstance(service.get_engine(), DatabaseEngine)


def test_elasticsearch_is_tried_first_with_the_database_behind_it(settings):
    pytest.importorskip("search.elasticsearch.engine")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    engine = service.get_engine()
    assert isinstance(engine, service.FallbackEngine)
    assert type(engine.primary).__name__ == "ElasticsearchEngine"
    assert isinstance(engine.fallback, DatabaseEngine)


class Unavailable:
    def search(self, query):
        raise EngineUnavailable("no route to host")

    def autocomplete(self, prefix, limit=8, user=None):
        raise EngineUnavailable("no route to host")

    def related(self, page, limit=4, user=None):
        raise EngineUnavailable("no route to host")


def test_the_fallback_answers_when_the_primary_is_unavailable_and_says_so(learning_index, caplog):
    page = LearningNotePageFactory(parent=learning_index, title="Falls and drinks", tags=["falls"])
    LearningNotePageFactory(parent=learning_index, title="Falls at night", tags=["falls"])
    engine = service.FallbackEngine(primary=Unavailable(), fallback=DatabaseEngine())
    with caplog.at_level(logging.WARNING, logger="search.service"):
        results = engine.search(Query(text="falls"))
        suggestions = engine.autocomplete("fal")
        related = engine.related(page)
    assert results.degraded and results.total == 2
    assert len(suggestions) == 2
    assert [hit.title for hit in related] == ["Falls at night"]
    assert [record.levelname for record in caplog.records] == ["WARNING"] * 3
    assert "no route to host" in caplog.records[0].getMessage()


def test_the_database_engine_is_never_degraded(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls")
    assert not DatabaseEngine().search(Query(text="falls")).degraded


class TestHighlight:
    def test_escape_first_then_mark(self):
        marked = highlight.mark('<b>Falls</b> & "falls"', ["falls"])
        assert marked == "&lt;b&gt;<mark>Falls</mark>&lt;/b&gt; &amp; &quot;<mark>falls</mark>&quot;"

    def test_a_searched_word_is_never_marked_inside_an_entity(self):
        assert highlight.mark("Tom & Jerry's <quote>", ["amp", "quot", "lt", "x27"]) == (
            "Tom &amp; Jerry&#x27;s &lt;quote&gt;"
        )

    def test_phrases_are_marked_whole_and_only_whole_words(self):
        assert highlight.mark("A pressure  ulcer, pressure care, ulcers", ["pressure ulcer"]) == (
            "A <mark>pressure ulcer</mark>, pressure care, ulcers"
        )

    def test_a_snippet_is_a_window_around_the_first_match(self):
        text = " ".join(["word"] * 100) + " the falls were fewer " + " ".join(["more"] * 100)
        snippet = highlight.snippet(text, ["falls"], length=60)
        assert snippet.startswith("… ") and snippet.endswith(" …")
        assert "<mark>falls</mark>" in snippet and len(snippet) < 120

    def test_markers_in_the_text_cannot_forge_marks(self):
        forged = f"{highlight.START}<script>{highlight.END}"
        assert highlight.mark(forged, []) == "&lt;script&gt;"
        assert highlight.from_sentinels(f"a {highlight.START}<b>{highlight.END} c") == "a <mark>&lt;b&gt;</mark> c"
        assert highlight.from_sentinels(f"{highlight.START}<b>") == "&lt;b&gt;"


def test_related_ranks_only_the_newest_pages_sharing_a_tag_or_a_term(learning_index, monkeypatch):
    """The window that keeps related learning's cost flat: an older, closer page can be passed over."""
    monkeypatch.setattr("search.engines.database.RELATED_CANDIDATES", 1)
    day = datetime.date(2026, 3, 1)
    page = LearningNotePageFactory(
        parent=learning_index,
        title="Hoists",
        date=day,
        tags=["hoists"],
        settings=["care-homes"],
        safety_domains=["reliability"],
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Older, shares setting and domain",
        date=day - datetime.timedelta(days=30),
        tags=["menus"],
        settings=["care-homes"],
        safety_domains=["reliability"],
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Older, shares the tag",
        date=day - datetime.timedelta(days=60),
        tags=["hoists"],
        settings=["mental-health"],
        safety_domains=["past-harm"],
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Newest, shares the setting",
        date=day + datetime.timedelta(days=1),
        tags=["menus"],
        settings=["care-homes"],
        safety_domains=["past-harm"],
    )

    titles = [hit.title for hit in DatabaseEngine().related(page)]

    assert titles == ["Older, shares the tag", "Newest, shares the setting"]
    monkeypatch.setattr("search.engines.database.RELATED_CANDIDATES", 200)
    assert [hit.title for hit in DatabaseEngine().related(page)] == [
        "Older, shares setting and domain",
        "Older, shares the tag",
        "Newest, shares the setting",
    ]


def test_related_shows_member_only_pages_to_members_alone_and_restricted_pages_to_nobody(learning_index):
    from wagtail.models import PageViewRestriction

    from portal.core.factories import restrict_to_members
    from portal.members.factories import MemberFactory

    page = LearningNotePageFactory(parent=learning_index, title="Hoists", tags=["hoists"], settings=["care-homes"])
    LearningNotePageFactory(parent=learning_index, title="Open to all", tags=["hoists"], date="2020-01-01")
    members = LearningNotePageFactory(parent=learning_index, title="For members", tags=["hoists"], date="2021-01-01")
    restrict_to_members(members)
    secret = LearningNotePageFactory(parent=learning_index, title="Behind a password", tags=["hoists"])
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")

    public = DatabaseEngine().related(page)
    for_members = DatabaseEngine().related(page, user=MemberFactory())

    assert [hit.title for hit in public] == ["Open to all"]
    assert [(hit.title, hit.members_only) for hit in for_members] == [("For members", True), ("Open to all", False)]


def test_related_with_nothing_in_common_is_empty(learning_index):
    page = LearningNotePageFactory(
        parent=learning_index, title="Alone", tags=["hoists"], settings=["care-homes"], safety_domains=["reliability"]
    )
    LearningNotePageFactory(
        parent=learning_index, tags=["menus"], settings=["mental-health"], safety_domains=["past-harm"]
    )

    assert DatabaseEngine().related(page) == []
