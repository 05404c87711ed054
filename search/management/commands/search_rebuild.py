"""Rebuild the Elasticsearch index without readers ever seeing an empty or partial one.

1. Create a new index ``portal-knowledge-<timestamp>`` with the current mapping
   and analysers (so a changed synonym list takes effect here).
2. Bulk-index every live, public knowledge page into it, with a progress bar.
3. Swap the ``portal-knowledge`` alias to it in one atomic ``_aliases`` call.
4. Re-send pages changed while steps 1-3 ran (their outbox rows), which the
   outbox sender wrote to the old index.
5. Delete the old index.

If anything fails before the swap the new index is deleted and the alias
keeps pointing at the old one. A swap that seems to fail is checked against
the cluster before anything is deleted: the client retries a request whose
answer was lost, and the retry of a swap that had already happened finds the
old index's alias gone. Its ``remove`` actions therefore say
``must_exist: false``, and the alias itself is read back. Once the alias
points at the new index, a later failure (re-sending changes, deleting the
old index) never undoes that; the command says what is left to do.
https://www.elastic.co/guide/en/elasticsearch/reference/8.19/aliases.html
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from elasticsearch import ApiError, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from portal.core.progress import Progress
from search.elasticsearch.client import describe, indexing_client, quiet_transport_logs, safe_url
from search.elasticsearch.documents import KnowledgeDocument, index_alias
from search.elasticsearch.indexing import count_indexable_pages, index_actions, indexable_pages, send_pending
from search.models import IndexOutbox

ES_ERRORS = (TransportError, ApiError)


def aliased_indices(client, alias):
    """The indices behind the alias now, and whether a plain index has taken the alias's name."""
    try:
        return sorted(client.indices.get_alias(name=alias).body), False
    except NotFoundError:
        return [], bool(client.indices.exists(index=alias))


def swap_actions(alias, name, old, plain_index):
    """One atomic ``_aliases`` call: the alias leaves the old indices (if still there) and names the new one."""
    actions = [{"remove": {"index": old_name, "alias": alias, "must_exist": False}} for old_name in old]
    if plain_index:
        actions.append({"remove_index": {"index": alias}})
    actions.append({"add": {"index": name, "alias": alias}})
    return actions


class Command(BaseCommand):
    help = "Build a new search index from every live, public knowledge page, then switch readers to it."

    def add_arguments(self, parser):
        parser.add_argument("--keep-old", action="store_true", help="Keep the previous index rather than delete it.")

    def handle(self, *args, **options):
        quiet_transport_logs()
        if not settings.ELASTICSEARCH_URL:
            raise CommandError("ELASTICSEARCH_URL is not set, so there is no Elasticsearch index to rebuild.")
        client = indexing_client()
        try:
            client.info()
        except ES_ERRORS as exc:
            raise CommandError(
                f"Elasticsearch at {safe_url()} is unreachable ({describe(exc)}). Nothing was changed; "
                "search keeps answering from the database. Start the cluster and run search_rebuild again."
            ) from exc
        self.rebuild(client, keep_old=options["keep_old"])

    def rebuild(self, client, keep_old=False):
        started = timezone.now()
        alias = index_alias()
        name = f"{alias}-{started:%Y%m%d-%H%M%S-%f}"
        old, count = [], 0
        try:
            index = KnowledgeDocument._index.clone(name=name)
            # No refreshes while loading: faster, and nobody reads this index yet.
            index.settings(refresh_interval="-1")
            index.create(using=client)
            self.stdout.write(f"Created {name}.")
            count = self.load(client, name)
            client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
            client.indices.refresh(index=name)
            old, plain_index = aliased_indices(client, alias)
            client.indices.update_aliases(actions=swap_actions(alias, name, old, plain_index))
        except (*ES_ERRORS, CommandError, KeyboardInterrupt) as exc:
            if not self.switched(client, alias, name, exc):
                raise
        self.stdout.write(f"Switched {alias} to {name}" + (f" (was {', '.join(old)})." if old else "."))
        self.after_swap(client, alias, name, started, [] if keep_old else old)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} page(s) in {name}."))

    def switched(self, client, alias, name, exc):
        """After a failure before or during the swap: True if the alias did switch, else clean up and explain."""
        try:
            behind, _plain = aliased_indices(client, alias)
        except ES_ERRORS as check:
            raise CommandError(
                f"Elasticsearch stopped answering during the rebuild ({describe(exc)}), and whether the alias "
                f"{alias} was switched could not be checked ({describe(check)}). The new index {name}, "
                "if it was created, was kept; run `manage.py search_health` when the cluster answers, "
                "and search_rebuild again if needed."
            ) from exc
        if name in behind:
            self.stdout.write(f"The swap was reported as failed ({describe(exc)}) but {alias} points at {name}.")
            return True
        deleted = self.delete_index(client, name)
        if not isinstance(exc, ES_ERRORS):
            return False  # a failed load (its message says so) or Ctrl+C: the new index is gone
        raise CommandError(
            f"Elasticsearch stopped answering during the rebuild ({describe(exc)}). "
            "The alias was not switched; readers still use the previous index. "
            + (
                f"The new index {name} was deleted."
                if deleted
                else f"The new index {name} could not be deleted: delete it by name when the cluster answers."
            )
        ) from exc

    def delete_index(self, client, name):
        try:
            client.options(ignore_status=404).indices.delete(index=name)
        except ES_ERRORS:
            return False
        return True

    def after_swap(self, client, alias, name, started, old):
        """Re-send what changed during the rebuild and delete the old index; report, never undo, what fails."""
        problems = []
        # Changes sent meanwhile went to the old index: send them again, through the outbox, to the new one.
        IndexOutbox.objects.filter(created_at__gte=started).update(done_at=None)
        report = send_pending(client)
        if report.failed:
            problems.append(
                f"{report.failed} page change(s) made during the rebuild wait in the outbox "
                f"({report.errors[0]}); run `manage.py search_outbox --replay`"
            )
        for old_name in old:
            if self.delete_index(client, old_name):
                self.stdout.write(f"Deleted {old_name}.")
            else:
                problems.append(f"the old index {old_name} could not be deleted; delete it by name")
        if problems:
            raise CommandError(
                f"The alias {alias} now points at {name}, so readers use the new index, but "
                + "; ".join(problems)
                + "."
            )

    def load(self, client, name):
        total = count_indexable_pages()
        progress = Progress(self.stdout, "Knowledge pages", total)
        errors = []
        for ok, item in streaming_bulk(
            client, index_actions(indexable_pages(), name), chunk_size=500, raise_on_error=False
        ):
            progress.step()
            if not ok:
                errors.append(item)
        if errors:
            first = next(iter(errors[0].values()))
            raise CommandError(
                f"{len(errors)} page(s) could not be indexed (first: page {first.get('_id')}: "
                f"{first.get('error')}). The new index was deleted; readers still use the previous one."
            )
        return progress.done
