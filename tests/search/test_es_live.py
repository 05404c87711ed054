"""Against a real Elasticsearch 8 cluster: only when ``ELASTICSEARCH_URL`` is set in the environment.

Skipped otherwise (and so far never run: no cluster could be installed where
this was written). These are the only tests that show Elasticsearch accepting
the mapping, analysing with the synonyms, correcting typos and counting facets
as the other tests assume. They work on their own alias
(``test-portal-knowledge-<random>``) and delete their indices afterwards, by
exact name (Elasticsearch 8 refuses wildcard deletes by default,
``action.destructive_requires_name``), so a shared development cluster keeps
its real index.

    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python -m pytest -m elasticsearch

For a cluster with security on (Elasticsearch 8's default), set
``ELASTICSEARCH_CA_CERTS`` or ``ELASTICSEARCH_FINGERPRINT`` and
``ELASTICSEARCH_API_KEY`` (or ``ELASTICSEARCH_USERNAME`` and
``ELASTICSEARCH_PASSWORD``) too, with an ``https://`` URL.
"""

import os
import uuid

import pytest
from django.core.management import call_command
from wagtail.rich_text import RichText

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.updates.factories import UpdatePageFactory
from search.elasticsearch import signals
from search.elasticsearch.client import indexing_client
from search.elasticsearch.engine import ElasticsearchEngine
from search.models import IndexOutbox
from search.results import Query
from tests.search.shared_results import build_pages, check

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs a real cluster: set ELASTICSEARCH_URL"),
    pytest.mark.django_db,
]


def our_indices(client, alias):
    """Every index this test's alias could have left: its rebuilds and any plain index of its name."""
    return sorted(client.indices.get(index=f"{alias}*", expand_wildcards="all", allow_no_indices=True).body)


@pytest.fixture
def cluster(settings):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    for name in ("CA_CERTS", "FINGERPRINT", "API_KEY", "USERNAME", "PASSWORD"):
        setattr(settings, f"ELASTICSEARCH_{name}", os.environ.get(f"ELASTICSEARCH_{name}", ""))
    alias = settings.ELASTICSEARCH_INDEX = f"test-portal-knowledge-{uuid.uuid4().hex[:8]}"
    client = indexing_client()
    signals.connect()  # already connected at start-up when ELASTICSEARCH_URL was set; connecting is idempotent
    yield client
    delete_our_indices(client, alias)


def delete_our_indices(client, alias):
    """Listing by wildcard is allowed; deleting is not (action.destructive_requires_name), so one name at a time."""
    for name in our_indices(client, alias):
        client.options(ignore_status=404).indices.delete(index=name)


@pytest.fixture
def pages(learning_index, case_study_index, update_index):
    return {
        "ulcers": LearningNotePageFactory(
            parent=learning_index,
            title="Turning charts on every shift",
            summary="Fewer pressure ulcers after two-hourly turning.",
            what_we_tried="Two-hourly turning charts.",
            settings=["care-homes"],
            safety_domains=["past-harm"],
            tags=["skin"],
        ),
        "medication": CaseStudyPageFactory(
            parent=case_study_index,
            title="Insulin passports",
            summary="Patients carry their insulin medication record.",
            problem="<p>Missed insulin doses on admission.</p>",
            settings=["acute-hospital"],
            safety_domains=["reliability"],
        ),
        "falls": LearningNotePageFactory(
            parent=learning_index,
            title="A resident's fall at night",
            summary="What one fall taught us about night checks.",
            settings=["care-homes"],
            safety_domains=["sensitivity-to-operations"],
        ),
        "palliative": UpdatePageFactory(
            parent=update_index,
            title="Palliative care training",
            summary="Sessions on palliative care for care home staff.",
            body=[("paragraph", RichText("<p>Book through the programme team.</p>"))],
            settings=["care-homes", "community-health"],
            safety_domains=["integration-and-learning"],
        ),
    }


def titles(results):
    return [hit.title for hit in results.hits]


def test_rebuild_creates_a_new_index_behind_the_alias_and_replaces_the_old(cluster, settings, pages, capsys):
    alias = settings.ELASTICSEARCH_INDEX
    call_command("search_rebuild")
    (first,) = cluster.indices.get_alias(name=alias).body
    call_command("search_rebuild")
    (second,) = cluster.indices.get_alias(name=alias).body
    assert first != second
    assert not cluster.indices.exists(index=first)
    assert cluster.count(index=alias)["count"] == 4
    assert "Search index rebuilt: 4 page(s)" in capsys.readouterr().out
    call_command("search_health")  # exits 0: cluster reachable, alias present


def test_search_with_synonyms_plurals_typos_stop_words_highlights_and_facets(cluster, pages):
    call_command("search_rebuild")
    engine = ElasticsearchEngine()
    assert titles(engine.search(Query(text="bed sores"))) == ["Turning charts on every shift"]
    assert titles(engine.search(Query(text="falls"))) == ["A resident's fall at night"]
    assert titles(engine.search(Query(text="meds"))) == ["Insulin passports"]
    assert titles(engine.search(Query(text="end of life"))) == ["Palliative care training"]
    typo = engine.search(Query(text="insulun pasports"))
    assert titles(typo) == ["Insulin passports"]

    results = engine.search(Query(text="pressure ulcers"))
    assert "<mark>pressure</mark>" in results.hits[0].snippet.lower()

    care_homes = engine.search(Query(text="", filters={"setting": ["care-homes"]}))
    assert care_homes.total == 3
    counts = {value.key: value.count for value in care_homes.facets["setting"]}
    assert counts["care-homes"] == 3
    assert counts["acute-hospital"] == 1  # the setting facet ignores its own filter
    assert {value.key: value.count for value in care_homes.facets["type"]} == {"learning-note": 2, "update": 1}


def test_spelling_suggestion_autocomplete_and_related(cluster, pages):
    call_command("search_rebuild")
    engine = ElasticsearchEngine()
    corrected = engine.search(Query(text="palliatve"))
    assert corrected.corrected_from == "palliatve" or corrected.total == 1
    # bool_prefix with operator "and": every word, the last as a prefix, as the database engine suggests.
    assert [item["title"] for item in engine.autocomplete("insulin pa")] == ["Insulin passports"]
    assert {item["title"] for item in engine.autocomplete("pa")} == {"Insulin passports", "Palliative care training"}
    assert isinstance(engine.related(pages["ulcers"]), list)


def test_elasticsearch_gives_the_shared_results_the_database_engine_gives(cluster, learning_index):
    """The same cases as test_shared_results.py: exact words, corrections only when nothing is found."""
    build_pages(learning_index)
    call_command("search_rebuild")
    assert check(ElasticsearchEngine(), Query) == []


def test_a_publish_before_the_first_rebuild_creates_no_index_and_waits_in_the_outbox(
    cluster, settings, pages, django_capture_on_commit_callbacks
):
    note = pages["falls"]
    with django_capture_on_commit_callbacks(execute=True):
        note.save_revision().publish()
    assert not cluster.indices.exists(index=settings.ELASTICSEARCH_INDEX)
    row = IndexOutbox.objects.pending().filter(page_id=note.pk).last()
    assert "require_alias" in row.last_error
    call_command("search_rebuild")
    call_command("search_outbox", "--replay")
    assert not IndexOutbox.objects.pending().exists()


def test_publishing_sends_through_the_outbox_and_a_missed_change_is_replayed(
    cluster, settings, pages, django_capture_on_commit_callbacks
):
    call_command("search_rebuild")
    note = pages["falls"]
    note.title = "Night checks after a fall"
    with django_capture_on_commit_callbacks(execute=True):
        note.save_revision().publish()
    assert not IndexOutbox.objects.pending().exists()
    cluster.indices.refresh(index=settings.ELASTICSEARCH_INDEX)
    assert cluster.get(index=settings.ELASTICSEARCH_INDEX, id=note.pk)["_source"]["title"] == note.title

    live_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # the cluster "goes away"
    with django_capture_on_commit_callbacks(execute=True):
        note.unpublish()
    assert IndexOutbox.objects.pending().count() == 1
    settings.ELASTICSEARCH_URL = live_url
    call_command("search_outbox", "--replay")
    assert not IndexOutbox.objects.pending().exists()
    assert not cluster.exists(index=settings.ELASTICSEARCH_INDEX, id=note.pk)


def test_compound_words_and_their_spaced_forms_find_each_other(cluster, learning_index):
    """As on the database engine (test_no_dead_ends.py): the rule reads the words pages have."""
    LearningNotePageFactory(parent=learning_index, title="Checking bedrails daily", summary="One page.")
    LearningNotePageFactory(parent=learning_index, title="Why bed rails matter", summary="Another page.")
    LearningNotePageFactory(parent=learning_index, title="Something else", summary="Nothing to do with it.")
    call_command("search_rebuild")
    engine = ElasticsearchEngine()
    expected = ["Checking bedrails daily", "Why bed rails matter"]
    assert sorted(titles(engine.search(Query(text="bedrails")))) == expected
    assert sorted(titles(engine.search(Query(text="bed rails")))) == expected
