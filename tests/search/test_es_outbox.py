"""The outbox writes only through the alias, and replays itself once the cluster answers again.

Fault injection (``es_fault_server``): the server answers as Elasticsearch 8
documents for a bulk request with ``require_alias`` when the name is not an
alias, and a bulk request it accepts. It does not index anything.
"""

import pytest

from learning.factories import LearningNotePageFactory
from search import service
from search.elasticsearch.indexing import item_outcomes, send_pending
from search.models import IndexOutbox, SearchEngineStatus
from tests.search.es_fault_server import TOO_MANY_REQUESTS, bulk_accepted, bulk_without_alias

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(learning_index):
    return LearningNotePageFactory(parent=learning_index, title="Night hydration rounds")


def bulk_requests(server):
    return [request for request in server.requests if request.path == "/_bulk"]


def test_the_outbox_writes_only_through_the_alias_and_waits_while_there_is_none(
    fault_server, es_signals, note, django_capture_on_commit_callbacks
):
    fault_server.script("PUT", "/_bulk", bulk_without_alias)
    with django_capture_on_commit_callbacks(execute=True):
        note.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        note.unpublish()
    sent = bulk_requests(fault_server)
    assert [request.query.get("require_alias") for request in sent] == ["true", "true"]
    rows = IndexOutbox.objects.order_by("pk")
    assert [(row.action, row.done_at) for row in rows] == [("upsert", None), ("delete", None)]
    assert all("[require_alias] request flag is [true]" in row.last_error for row in rows)


def test_a_delete_of_a_missing_document_is_done_but_one_refused_for_a_missing_alias_is_not():
    response = {
        "items": [
            {"delete": {"_index": "portal-knowledge-1", "_id": "1", "status": 404, "result": "not_found"}},
            {
                "delete": {
                    "_index": "portal-knowledge",
                    "_id": "2",
                    "status": 404,
                    "error": {"type": "index_not_found_exception", "reason": "no such index [portal-knowledge]"},
                }
            },
        ]
    }
    assert item_outcomes(response) == {1: None, 2: "no such index [portal-knowledge]"}


def test_the_outbox_is_sent_once_the_alias_exists(fault_server, note):
    IndexOutbox.objects.create(page_id=note.pk, action="upsert")
    fault_server.script("PUT", "/_bulk", bulk_without_alias, bulk_accepted)
    assert send_pending().sent == 0
    assert send_pending().sent == 1
    assert not IndexOutbox.objects.pending().exists()


# Replaying on recovery ------------------------------------------------------------


def recorded_search_response():
    """An empty ``_search`` answer in the documented shape (the server only stands in for a recovered cluster)."""
    return {
        "took": 1,
        "timed_out": False,
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "aggregations": {},
    }


def test_the_first_successful_search_after_a_failure_replays_the_outbox_through_the_task_queue(
    fault_server, note, django_capture_on_commit_callbacks
):
    from tests.search.es_fault_server import PRODUCT, Answer

    # An unpublish the cluster never heard about.
    row = IndexOutbox.objects.create(page_id=note.pk, action="delete", attempts=1, last_error="refused")
    service.query("hydration")  # 429: answered from the database
    assert SearchEngineStatus.objects.get().failing_since is not None
    assert not bulk_requests(fault_server)

    fault_server.answer = Answer(200, recorded_search_response(), PRODUCT)
    fault_server.script("PUT", "/_bulk", bulk_accepted)
    with django_capture_on_commit_callbacks(execute=True):
        service.query("hydration")
    (bulk,) = bulk_requests(fault_server)
    assert bulk.query["require_alias"] == "true"
    assert f'"_id": "{note.pk}"' in bulk.body.decode() or f'"_id":"{note.pk}"' in bulk.body.decode()
    row.refresh_from_db()
    assert row.done_at is not None
    status = SearchEngineStatus.objects.get()
    assert status.failing_since is None and status.recovered_at is not None

    # Later successes cost nothing: no second replay.
    with django_capture_on_commit_callbacks(execute=True):
        service.query("hydration")
    assert len(bulk_requests(fault_server)) == 1


def test_a_replay_on_recovery_is_bounded(fault_server, note, django_capture_on_commit_callbacks, monkeypatch):
    from tests.search.es_fault_server import PRODUCT, Answer

    monkeypatch.setattr("search.elasticsearch.indexing.BATCH_SIZE", 1)
    IndexOutbox.objects.bulk_create(IndexOutbox(page_id=note.pk, action="upsert") for _ in range(8))
    service.query("hydration")
    fault_server.answer = Answer(200, recorded_search_response(), PRODUCT)
    fault_server.script("PUT", "/_bulk", bulk_accepted)
    with django_capture_on_commit_callbacks(execute=True):
        service.query("hydration")
    assert len(bulk_requests(fault_server)) == 5  # RECOVERY_BATCHES; cron's search_outbox --replay sends the rest
    assert IndexOutbox.objects.pending().count() == 3


def test_an_outbox_send_that_fails_is_recorded_for_search_health(fault_server, note):
    fault_server.answer = TOO_MANY_REQUESTS
    IndexOutbox.objects.create(page_id=note.pk, action="upsert")
    send_pending()
    assert "HTTP 429 circuit_breaking_exception" in SearchEngineStatus.objects.get().last_error
