"""Rebuild the Elasticsearch index without readers ever seeing an empty or partial one.

1. Create a new index ``portal-knowledge-<timestamp>`` with the current mapping
   and analysers (so a changed synonym list takes effect here).
2. Bulk-index every live, public knowledge page into it, with a progress bar.
3. Swap the ``portal-knowledge`` alias to it in one atomic ``_aliases`` call.
4. Re-send pages changed while steps 1-3 ran (their outbox rows), which the
   outbox sender wrote to the old index.
5. Delete the old index.

If anything fails before step 3 the new index is deleted and the alias keeps
pointing at the old one. https://www.elastic.co/guide/en/elasticsearch/reference/8.19/aliases.html
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from elasticsearch import ApiError, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from portal.demo.loader import Progress
from search.elasticsearch.client import describe, indexing_client, quiet_transport_logs, safe_url
from search.elasticsearch.documents import KnowledgeDocument, index_alias
from search.elasticsearch.indexing import count_indexable_pages, index_actions, indexable_pages, sync_pages
from search.models import IndexOutbox


def aliased_indices(client, alias):
    """The indices behind the alias now, and whether a plain index has taken the alias's name."""
    try:
        return sorted(client.indices.get_alias(name=alias).body), False
    except NotFoundError:
        return [], bool(client.indices.exists(index=alias))


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
        except (TransportError, ApiError) as exc:
            raise CommandError(
                f"Elasticsearch at {safe_url()} is unreachable ({describe(exc)}). Nothing was changed; "
                "search keeps answering from the database. Start the cluster and run search_rebuild again."
            ) from exc
        try:
            self.rebuild(client, keep_old=options["keep_old"])
        except (TransportError, ApiError) as exc:
            raise CommandError(
                f"Elasticsearch stopped answering during the rebuild ({describe(exc)}). "
                "The alias was not switched; readers still use the previous index."
            ) from exc

    def rebuild(self, client, keep_old=False):
        started = timezone.now()
        alias = index_alias()
        name = f"{alias}-{started:%Y%m%d-%H%M%S-%f}"
        index = KnowledgeDocument._index.clone(name=name)
        # No refreshes while loading: faster, and nobody reads this index yet.
        index.settings(refresh_interval="-1")
        index.create(using=client)
        self.stdout.write(f"Created {name}.")
        try:
            count = self.load(client, name)
            client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
            client.indices.refresh(index=name)
        except BaseException:
            client.options(ignore_status=404).indices.delete(index=name)
            raise

        old, plain_index = aliased_indices(client, alias)
        actions = [{"remove": {"index": old_name, "alias": alias}} for old_name in old]
        if plain_index:
            actions.append({"remove_index": {"index": alias}})
        actions.append({"add": {"index": name, "alias": alias}})
        client.indices.update_aliases(actions=actions)
        self.stdout.write(f"Switched {alias} to {name}" + (f" (was {', '.join(old)})." if old else "."))

        changed = IndexOutbox.objects.filter(created_at__gte=started).values_list("page_id", flat=True)
        failed = {page: error for page, error in sync_pages(changed, client).items() if error}
        if failed:
            self.stderr.write(f"{len(failed)} page(s) changed during the rebuild could not be re-sent: {failed}")

        for old_name in [] if keep_old else old:
            client.options(ignore_status=404).indices.delete(index=old_name)
            self.stdout.write(f"Deleted {old_name}.")
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} page(s) in {name}."))

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
