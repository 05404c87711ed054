"""Writing knowledge pages to the index: the outbox sender and the bulk loader.

Nothing is lost while the cluster is down. Publishing writes an ``IndexOutbox``
row in the same database transaction as the page; the sender marks a row done
only after Elasticsearch has acknowledged that page's write, and leaves failed
rows pending (with the error) for the next run or ``search_outbox --replay``.

The sender writes only through the alias (``require_alias``): with no alias
(before the first ``search_rebuild``, or after it was lost) Elasticsearch
would otherwise create a plain index of that name with guessed mappings, on
which every search fails. Refused that way, the rows stay pending until a
rebuild has made the alias.

A row records what happened ("upsert" or "delete"), but the sender decides
what to write from the page as it is *now*: a live page that is public or
member-only is written in full (marked ``members_only`` or not), anything else
(unpublished, restricted in any other way, deleted) is deleted from the index.
Sending is therefore idempotent and order-free: replaying an old row can never
resurrect a page that has since been unpublished.
"""

import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from elasticsearch import ApiError, TransportError

from portal.core.outbox import SendReport
from search.models import IndexOutbox

from . import health
from .client import describe, outbox_client
from .documents import index_alias, knowledge_models, organisation_fields, page_to_document

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Batches sent by the replay a recovered cluster triggers (``search.tasks.replay_index_outbox``).
RECOVERY_BATCHES = 5
# Done rows are kept this long so that a rebuild can replay what changed while it ran.
DONE_RETENTION = timedelta(days=7)


def indexable_pages(page_ids=None):
    """Live knowledge pages that are public or member-only, as their specific type, ready for a document.

    This is the only definition of what may be in the index; the pages carry
    ``members_only`` (``KnowledgePageQuerySet.visible_to_members``).
    """
    for model in knowledge_models():
        queryset = model.objects.visible_to_members().order_by("pk")
        if page_ids is not None:
            queryset = queryset.filter(pk__in=page_ids)
        relations = organisation_fields(model)
        foreign_keys = [name for name in relations if model._meta.get_field(name).many_to_one]
        many = [name for name in relations if name not in foreign_keys]
        queryset = queryset.select_related(*foreign_keys).prefetch_related("settings", "safety_domains", "tags", *many)
        yield from queryset.iterator(chunk_size=500)


def count_indexable_pages():
    return sum(model.objects.visible_to_members().count() for model in knowledge_models())


def document_source(page):
    return page_to_document(page).to_dict(skip_empty=False)


def bulk_operations(page_ids, *, index=None):
    """Bulk API operations that make the index agree with the database for these pages."""
    index = index or index_alias()
    pages = {page.pk: page for page in indexable_pages(page_ids)}
    operations = []
    for page_id in sorted(set(page_ids)):
        meta = {"_index": index, "_id": str(page_id)}
        if page_id in pages:
            operations += [{"index": meta}, document_source(pages[page_id])]
        else:
            operations.append({"delete": meta})
    return operations


def item_outcomes(response):
    """``{page_id: None or error}`` from a bulk response; a delete of a missing document is fine.

    A missing document is a 404 with ``"result": "not_found"`` and no error; a
    404 *with* an error (``index_not_found_exception``: no such alias) is not.
    """
    outcomes = {}
    for item in response["items"]:
        (action, result), *_ = item.items()
        status = result.get("status", 500)
        ok = 200 <= status < 300 or (action == "delete" and status == 404 and not result.get("error"))
        error = None if ok else str(result.get("error", {}).get("reason") or result.get("error") or status)
        outcomes[int(result["_id"])] = error
    return outcomes


def sync_pages(page_ids, client=None, *, index=None):
    """Write these pages' current state to the index; ``{page_id: None or error}``.

    Raises ``TransportError``/``ApiError`` when the cluster cannot answer at all.
    """
    page_ids = sorted(set(page_ids))
    if not page_ids:
        return {}
    client = client or outbox_client()
    response = client.bulk(operations=bulk_operations(page_ids, index=index), require_alias=True)
    outcomes = item_outcomes(response)
    return {page_id: outcomes.get(page_id, "no answer for this page") for page_id in page_ids}


def send_pending(client=None, batch_size=None, max_batches=None):
    """Send pending outbox rows, oldest first (all, or ``max_batches`` batches); stop at the first batch refused."""
    batch_size = batch_size or BATCH_SIZE
    report = SendReport()
    refused = 0
    after = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        rows = list(IndexOutbox.objects.pending().filter(pk__gt=after).order_by("pk")[:batch_size])
        if not rows:
            break
        after = rows[-1].pk
        now = timezone.now()
        try:
            outcomes = sync_pages({row.page_id for row in rows}, client)
        except (TransportError, ApiError) as exc:
            error = describe(exc)
            IndexOutbox.objects.filter(pk__in=[row.pk for row in rows]).update(
                attempts=F("attempts") + 1, last_error=error, last_attempt_at=now
            )
            report.failed += len(rows)
            report.errors.append(error)
            logger.warning("Search index update failed; %d change(s) stay in the outbox: %s", len(rows), error)
            health.note_failure(error)
            break
        health.note_success(replay=False)  # this run is the replay
        done = [row.pk for row in rows if outcomes[row.page_id] is None]
        IndexOutbox.objects.filter(pk__in=done).update(
            done_at=now, attempts=F("attempts") + 1, last_error="", last_attempt_at=now
        )
        for row in rows:
            error = outcomes[row.page_id]
            if error is not None:
                IndexOutbox.objects.filter(pk=row.pk).update(
                    attempts=F("attempts") + 1, last_error=error[:1000], last_attempt_at=now
                )
                refused += 1
                report.errors.append(f"page {row.page_id}: {error}")
        report.sent += len(done)
    if refused:
        logger.warning("Elasticsearch refused %d change(s); they stay in the outbox: %s", refused, report.errors[-1])
    report.failed += refused
    IndexOutbox.objects.filter(done_at__lt=timezone.now() - DONE_RETENTION).delete()
    return report


def index_actions(pages, index):
    """``streaming_bulk`` actions writing these pages into a named (new) index."""
    for page in pages:
        yield {"_op_type": "index", "_index": index, "_id": str(page.pk), "_source": document_source(page)}
