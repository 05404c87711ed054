"""What this process has seen of the cluster, and replaying the outbox once it answers again.

Every failed request to Elasticsearch (a search, a suggestion, related
learning, an outbox send) calls ``note_failure``; the first successful one
afterwards calls ``note_success``. The shared ``SearchEngineStatus`` row keeps
the last error for ``search_health``; it is written when this process first
sees a failure (or a different one), then at most once a minute while the
same error goes on, so an outage under load costs no write per request.

Recovery: changes made while the cluster was down wait in the outbox. The
first process to see a successful answer after a failure claims the recovery
(one conditional ``UPDATE`` on the status row, so only one process wins) and
enqueues ``search.tasks.replay_index_outbox``, which sends a bounded number
of waiting changes. With a worker the replay runs in the background; with
django-tasks' immediate backend it runs straight after the request's work, at
most ``RECOVERY_BATCHES`` batches with the outbox's five-second timeout.
Whatever is left, and changes whose process never saw the failure, are sent
by ``search_outbox --replay`` from cron (deploy/systemd/).
"""

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from search.models import SearchEngineStatus

logger = logging.getLogger(__name__)

REWRITE_AFTER = timedelta(minutes=1)

_lock = threading.Lock()
_state = {"failing": False, "error": "", "written_at": None}


def forget():
    """Start again as a process that has not heard from the cluster (for tests)."""
    with _lock:
        _state.update(failing=False, error="", written_at=None)


def note_failure(error):
    """Remember a failed request (``error`` is a one-line description) and record it for ``search_health``."""
    now = timezone.now()
    with _lock:
        unchanged = _state["failing"] and _state["error"] == error
        if unchanged and _state["written_at"] and now - _state["written_at"] < REWRITE_AFTER:
            return
        _state.update(failing=True, error=error, written_at=now)
    try:
        with transaction.atomic():
            updated = SearchEngineStatus.objects.filter(pk=1).update(
                last_error=error[:2000],
                last_error_at=now,
                failing_since=Coalesce(F("failing_since"), Value(now, output_field=DateTimeField())),
            )
            if not updated:
                SearchEngineStatus.objects.get_or_create(
                    pk=1, defaults={"last_error": error[:2000], "last_error_at": now, "failing_since": now}
                )
    except DatabaseError:
        logger.exception("Could not record the search engine's failure")


def note_success(*, replay=True):
    """After a failure seen by this process: mark the cluster answering again and, once, replay the outbox.

    Costs nothing (no query) when this process has seen no failure.
    """
    with _lock:
        if not _state["failing"]:
            return
        _state.update(failing=False, error="", written_at=None)
    try:
        with transaction.atomic():
            claimed = SearchEngineStatus.objects.filter(pk=1, failing_since__isnull=False).update(
                failing_since=None, recovered_at=timezone.now()
            )
    except DatabaseError:
        logger.exception("Could not record the search engine's recovery")
        return
    if claimed and replay:
        logger.info("Elasticsearch is answering again; replaying the search index outbox")
        transaction.on_commit(enqueue_replay, robust=True)


def enqueue_replay():
    from search.tasks import replay_index_outbox

    replay_index_outbox.enqueue()
