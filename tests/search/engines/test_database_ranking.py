"""The database engine on known pages: facet counts, ranking, paging and the member-only hold-back.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL``: both must
give exactly these answers.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.core.models import KnowledgePage
from portal.members.factories import MemberFactory
from search import service
from search.engines.database import _first_words, _ranked_once, backend_query, concepts_of, visible_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()  # the spelling dictionary is cached; build it from each test's pages


@pytest.fixture
def kestrel_pages(learning_index, case_study_index):
    """Four pages that mention "kestrel": in the title, a topic tag, the summary, the body; one that does not."""
    LearningNotePageFactory(
        parent=learning_index,
        title="Kestrel checks on the ward",
        summary="Routine rounds.",
        settings=["care-homes"],
        safety_domains=["past-harm"],
        tags=["night"],
        date="2021-01-01",
    )
    CaseStudyPageFactory(
        parent=case_study_index,
        title="Night rounds",
        summary="Routine rounds.",
        settings=["care-homes", "acute-hospital"],
        safety_domains=["reliability"],
        tags=["kestrel"],
        date="2024-01-01",
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Ward rounds",
        summary="We logged every kestrel we saw.",
        settings=["acute-hospital"],
        safety_domains=["reliability"],
        date="2023-01-01",
    )
    LearningNotePageFactory(
        parent=learning_index,
        title="Day rounds",
        summary="Routine rounds.",
        what_happened="A kestrel watched the car park all week.",
        settings=["general-practice"],
        safety_domains=["past-harm"],
        date="2022-01-01",
    )
    LearningNotePageFactory(parent=learning_index, title="Hydration rounds", summary="Drinks every hour.")


def counts(results, facet):
    return [(value.key, value.count, value.selected) for value in results.facets[facet]]


def test_title_then_topic_then_summary_then_body(kestrel_pages):
    results = service.query("kestrel")

    assert [hit.title for hit in results.hits] == [
        "Kestrel checks on the ward",
        "Night rounds",
        "Ward rounds",
        "Day rounds",
    ]
    assert results.total == 4


def test_newest_first_when_asked(kestrel_pages):
    results = service.query("kestrel", sort="newest")

    assert [hit.title for hit in results.hits] == [
        "Night rounds",
        "Ward rounds",
        "Day rounds",
        "Kestrel checks on the ward",
    ]


def test_each_facet_counts_every_matching_page(kestrel_pages):
    results = service.query("kestrel")

    assert sorted(counts(results, "setting")) == [
        ("acute-hospital", 2, False),
        ("care-homes", 2, False),
        ("general-practice", 1, False),
    ]
    assert sorted(counts(results, "domain")) == [("past-harm", 2, False), ("reliability", 2, False)]
    assert counts(results, "type") == [("case-study", 1, False), ("learning-note", 3, False)]
    # Most used first, then by name; years newest first.
    assert counts(results, "tag") == [("kestrel", 1, False), ("night", 1, False)]
    assert counts(results, "year") == [("2024", 1, False), ("2023", 1, False), ("2022", 1, False), ("2021", 1, False)]


def test_each_facet_counts_the_pages_that_pass_the_other_filters(kestrel_pages):
    results = service.query("kestrel", {"setting": ["care-homes"], "type": ["learning-note"]})

    assert [hit.title for hit in results.hits] == ["Kestrel checks on the ward"]
    assert results.total == 1
    # Settings over the learning notes (any setting); types over the care-home pages (any type).
    assert sorted(counts(results, "setting")) == [
        ("acute-hospital", 1, False),
        ("care-homes", 1, True),
        ("general-practice", 1, False),
    ]
    assert counts(results, "type") == [("case-study", 1, False), ("learning-note", 1, True)]
    assert counts(results, "domain") == [("past-harm", 1, False)]
    assert counts(results, "tag") == [("night", 1, False)]
    assert counts(results, "year") == [("2021", 1, False)]


def test_a_chosen_value_no_page_has_is_listed_with_no_pages(kestrel_pages):
    results = service.query("kestrel", {"tag": ["night"], "year": ["2024"]})

    assert results.total == 0
    assert results.hits == []
    # Topics over the 2024 pages (one, tagged "kestrel"), years over the pages tagged "night".
    assert counts(results, "tag") == [("kestrel", 1, False), ("night", 0, True)]
    assert counts(results, "year") == [("2024", 0, True), ("2021", 1, False)]


def test_pages_of_results_follow_the_ranking(kestrel_pages):
    second = service.query("kestrel", per_page=3, page=2)
    past_the_end = service.query("kestrel", per_page=3, page=9)

    assert [hit.title for hit in second.hits] == ["Day rounds"]
    assert (second.num_pages, second.query.page) == (2, 2)
    assert past_the_end.query.page == 2
    assert [hit.title for hit in past_the_end.hits] == ["Day rounds"]


def test_member_only_pages_are_held_back_in_the_counts_too(kestrel_pages, learning_index):
    members = LearningNotePageFactory(
        parent=learning_index, title="Kestrel nests", settings=["care-homes"], date="2020-01-01"
    )
    restrict_to_members(members)

    public = service.query("kestrel")
    for_members = service.query("kestrel", user=MemberFactory())

    assert public.total == 4
    assert "Kestrel nests" not in [hit.title for hit in public.hits]
    assert ("care-homes", 2, False) in counts(public, "setting")
    assert ("2020", 1, False) not in counts(public, "year")
    assert for_members.total == 5
    # Both have the word in the title, so both come before the others, in the backend's order.
    assert sorted((hit.title, hit.members_only) for hit in for_members.hits[:2]) == [
        ("Kestrel checks on the ward", False),
        ("Kestrel nests", True),
    ]
    assert ("care-homes", 3, False) in counts(for_members, "setting")
    assert ("2020", 1, False) in counts(for_members, "year")


def test_only_the_page_of_results_shown_is_read(learning_index, monkeypatch):
    """Facets and ranking happen in the database: a search reads its ten hits, not every matching page."""
    for number in range(14):
        LearningNotePageFactory(parent=learning_index, title=f"Kestrel report {number}", settings=["care-homes"])
    read = []
    from_db = Model.from_db.__func__

    def counting_from_db(cls, db, field_names, values):
        if issubclass(cls, KnowledgePage):
            read.append(values)
        return from_db(cls, db, field_names, values)

    monkeypatch.setattr(Model, "from_db", classmethod(counting_from_db))
    results = service.query("kestrel", {"setting": ["care-homes"]})

    assert results.total == 14
    assert len(results.hits) == 10
    assert len(read) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index; SQLite matches through FTS5")
def test_postgresql_matches_through_the_gin_index_over_title_and_body(kestrel_pages):
    matching = visible_pages().search(backend_query(concepts_of("kestrel"))).get_queryset()
    sql, _params = matching.query.sql_with_params()
    searched = '("wagtailsearch_indexentry"."title" || "wagtailsearch_indexentry"."body") @@'
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows would be read in full anyway
        cursor.execute(f"EXPLAIN SELECT id FROM wagtailsearch_indexentry WHERE {searched} to_tsquery('kestrel')")  # noqa: S608 - constants
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert searched in sql  # the expression Wagtail's backend matches ...
    assert "search_indexentry_title_body_gin" in plan  # ... is the one the index covers


def test_the_matching_pages_are_found_once_for_the_counts_and_the_page_shown(kestrel_pages):
    """Facet counts, the total and the page of results come from one statement, so the match is made once."""
    with CaptureQueriesContext(connection) as captured:
        results = service.query("kestrel", {"setting": ["care-homes"]})
    matches = "@@" if connection.vendor == "postgresql" else " MATCH "
    searching = [query["sql"] for query in captured.captured_queries if matches in query["sql"]]

    assert results.total == 2
    assert [hit.title for hit in results.hits] == ["Kestrel checks on the ward", "Night rounds"]
    assert ("care-homes", 2, True) in counts(results, "setting")
    assert len(searching) == 1


def test_a_search_whose_words_no_page_has_counts_and_ranks_only_once(kestrel_pages):
    """No page has either word: the some-words search is asked whether any page has one, and goes no further."""
    with CaptureQueriesContext(connection) as captured:
        results = service.query("zzqxword yyqxword")
    counting = [query["sql"] for query in captured.captured_queries if "WITH matched" in query["sql"]]

    assert (results.total, results.hits, results.some_words) == (0, [], False)
    assert len(counting) == 1  # the search for every word; none for pages with some of them


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend scores in a correlated subquery")
def test_sqlite_runs_the_full_text_match_twice_however_many_pages_are_ranked(kestrel_groups):
    """Once to find the matches and once to score them all, not once more for every page ranked."""
    with CaptureQueriesContext(connection) as captured:
        results = service.query("kestrel", per_page=19)
    statement = next(query["sql"] for query in captured.captured_queries if "WITH matched" in query["sql"])

    assert len(results.hits) == 19
    assert statement.count(" MATCH ") == 2


def test_a_later_page_of_a_search_that_finds_nothing_shows_no_results(kestrel_pages):
    """A link to page 2 kept from an earlier search, now matching nothing, gives the first (empty) page."""
    results = service.query("zzqxword", page=2)

    assert (results.total, results.hits, results.query.page) == (0, [], 1)


@pytest.fixture
def kestrel_groups(learning_index):
    """Kestrel pages in three ranking groups: eight in the title, five in the summary, six only in the body."""
    for number in range(8):
        LearningNotePageFactory(parent=learning_index, title=f"Kestrel report {number}", summary="Routine rounds.")
    for number in range(5):
        LearningNotePageFactory(
            parent=learning_index, title=f"Rounds {number}", summary=f"A kestrel was seen {number + 1} times."
        )
    for number in range(6):
        LearningNotePageFactory(
            parent=learning_index,
            title=f"Walks {number}",
            summary="Routine rounds.",
            what_happened="kestrel " * (number + 1),
        )


def test_every_page_of_results_is_its_slice_of_the_whole_ranking(kestrel_groups):
    """Pages of any size, within one group or across two, follow the one ranking."""
    whole = [hit.page_id for hit in service.query("kestrel", per_page=19).hits]

    assert len(whole) == 19
    for per_page in (1, 3, 4, 7, 10):
        for page in range(1, -(-19 // per_page) + 1):
            shown = [hit.page_id for hit in service.query("kestrel", per_page=per_page, page=page).hits]
            assert shown == whole[(page - 1) * per_page : page * per_page], (per_page, page)


def _explained(text):
    """PostgreSQL's JSON plan, run, of the statement a search for ``text`` makes."""
    with CaptureQueriesContext(connection) as captured:
        results = service.query(text)
    statement = next(query["sql"] for query in captured.captured_queries if "@@" in query["sql"])
    statement = statement.rsplit("random_page_cost = 1.1; ", 1)[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) {statement}")  # noqa: S608 - the captured statement
        return results, cursor.fetchone()[0][0]["Plan"]


def _ranked_rows(plan):
    """The most rows any step of a JSON plan worked out the backend's ranking (``ts_rank``) for."""
    rows = plan["Actual Rows"] * plan["Actual Loops"] if "ts_rank" in " ".join(plan.get("Output", [])) else 0
    return max([rows, *(_ranked_rows(child) for child in plan.get("Plans", []))])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan of the statement")
def test_the_backends_ranking_is_worked_out_only_for_the_group_shown(kestrel_groups):
    """The first ten are the eight title matches and two summary ones: the six body-only pages are not ranked."""
    results, plan = _explained("kestrel")

    assert results.total == 19
    assert _ranked_rows(plan) == 13


def _lookups(plan, table):
    """How many times a JSON plan looked rows up in ``table``."""
    own = plan["Actual Loops"] if plan.get("Relation Name") == table else 0
    return own + sum(_lookups(child, table) for child in plan.get("Plans", []))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan of the statement")
def test_facets_are_counted_from_the_matches_own_rows_without_a_lookup(kestrel_groups, case_study_index):
    """The 20 matches are found in ``search_pagedocument`` and their settings, domains and topics read from there.

    Before, each match was looked up in ``search_pagefacet``, and before that in the settings, the
    domains and its type's tag table: 20 lookups in each. And each match was joined to the page tables.
    """
    CaseStudyPageFactory(parent=case_study_index, title="Kestrel boxes", tags=["nests"])
    results, plan = _explained("kestrel")

    assert results.total == 20
    assert ("nests", 1, False) in counts(results, "tag")
    assert _lookups(plan, "search_pagedocument") >= 1
    assert _lookups(plan, "search_pagefacet") == 0
    for table in ("core_knowledgepage_settings", "core_knowledgepage_safety_domains", "casestudies_casestudypagetag"):
        assert _lookups(plan, table) <= 1  # the ranking's subqueries, each read once if at all
    assert _lookups(plan, "learning_learningnotepagetag") <= 1


@pytest.fixture
def medication_pages(learning_index):
    """Six pages naming medicines, each in a phrasing "medication" is searched by, a different number of times."""
    words = ["medication", "medications", "drugs", "drug", "medicines", "meds"]
    for number, word in enumerate(words):
        LearningNotePageFactory(
            parent=learning_index,
            title=f"{word.capitalize()} round {number}",
            summary="Routine rounds.",
            what_happened=f"{word} " * (number + 1) + "checked at night",
        )


def _stems(words):
    with connection.cursor() as cursor:
        calls = ", ".join(["to_tsquery('english', %s)::text"] * len(words))
        cursor.execute(f"SELECT {calls}", words)  # noqa: S608 - placeholders
        return set(cursor.fetchone())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ts_rank")
def test_each_phrasing_is_ranked_once_however_many_synonyms_stem_to_it(medication_pages):
    """ "medication" is eight phrasings that stem to four ``tsquery`` values: four calls per vector, not eight."""
    (concept,) = concepts_of("medication")
    phrasings = [" ".join(words) for words in concept.alternatives]
    with CaptureQueriesContext(connection) as captured:
        results = service.query("medication")
    statement = next(query["sql"] for query in captured.captured_queries if "WITH matched" in query["sql"])

    assert results.total == 6
    assert len(phrasings) == 8
    assert len(_stems(phrasings)) == 4
    assert statement.count("ts_rank(") == 2 * 4  # the title's vector and the body's


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ts_rank")
def test_ranking_each_phrasing_once_gives_the_backends_scores_to_the_last_bit(medication_pages):
    """The backend's own score (a mean over all eight phrasings, repeats and all) and the one worked out once."""
    matched = visible_pages().search(backend_query(concepts_of("medication"))).get_queryset()
    score = matched.query.order_by[0].expression
    backend = dict(matched.order_by().annotate(score=score).values_list("pk", "score"))
    sql, params, _keys = _ranked_once(matched)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT page_id, _o0 FROM ({sql}) AS ranked", params)  # noqa: S608 - the engine's own SQL
        once = dict(cursor.fetchall())

    assert len(backend) == 6
    assert len(set(backend.values())) > 1  # the pages score differently
    assert once == backend  # float for float, not approximately


def _cte(plan, name):
    """The step of a JSON plan that works out the common table expression ``name``, or None."""
    if plan.get("Subplan Name") == f"CTE {name}":
        return plan
    return next(filter(None, (_cte(child, name) for child in plan.get("Plans", []))), None)


def _tables(plan):
    return {plan.get("Relation Name"), *(table for child in plan.get("Plans", []) for table in _tables(child))} - {None}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan of the statement")
def test_with_no_filter_each_match_is_grouped_as_it_is_found(kestrel_groups):
    """Titles and summaries are read with the matches, not looked up again by id to group them."""
    results, plan = _explained("kestrel")
    grouped = _cte(plan, "grouped")

    assert [hit.title for hit in results.hits][:8] == [f"Kestrel report {number}" for number in range(7, -1, -1)]
    assert grouped is not None
    assert not _tables(grouped) & {"wagtailcore_page", "core_knowledgepage"}


def test_the_title_test_looks_first_for_the_first_word_of_each_phrasing():
    """ "bed" finds "bedsore" and "bed sores" too, so only "bed" and "pressure" are looked for before the phrases."""
    (concept,) = concepts_of("pressure ulcers")
    condition = _first_words(concept, "title")

    assert sorted(value for _lookup, value in condition.children) == ["bed", "pressure"]
    assert condition.connector == "OR"


@pytest.fixture
def bed_pages(learning_index):
    """Titles with the first word of a phrasing and without it, the phrase in other cases, or only part of it."""
    for title in ["BED SORES on ward 4", "Bedsore audit", "Bed rest after falls", "Pressure gauges", "Ward rounds"]:
        LearningNotePageFactory(
            parent=learning_index, title=title, summary="Routine rounds.", what_happened="pressure ulcers"
        )


def test_only_titles_with_a_whole_phrasing_come_first(bed_pages):
    """A title with the first word but not the phrase ("Bed rest", "Pressure gauges") is ranked with the rest."""
    results = service.query("pressure ulcers")

    assert results.total == 5
    assert {hit.title for hit in results.hits[:2]} == {"BED SORES on ward 4", "Bedsore audit"}
