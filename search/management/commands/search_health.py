from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min
from elasticsearch import ApiError, NotFoundError, TransportError

from search.elasticsearch.client import describe, query_client, quiet_transport_logs, safe_url
from search.elasticsearch.documents import index_alias
from search.elasticsearch.indexing import count_indexable_pages
from search.models import IndexOutbox, SearchEngineStatus


class Command(BaseCommand):
    help = (
        "Report on the Elasticsearch cluster, the search index and the outbox of page changes; "
        "exits non-zero when search cannot use Elasticsearch."
    )

    def handle(self, *args, **options):
        quiet_transport_logs()
        if not settings.ELASTICSEARCH_URL:
            raise CommandError(
                "ELASTICSEARCH_URL is not set: search uses the database and there is no cluster to check."
            )
        backlog = self.outbox_lines() + self.site_lines()
        client = query_client()
        try:
            health = client.cluster.health()
        except (TransportError, ApiError) as exc:
            for line in backlog:
                self.stdout.write(line)
            raise CommandError(
                f"Elasticsearch at {safe_url()} is unreachable ({describe(exc)}). "
                "Search is answering from the database; page changes wait in the outbox."
            ) from exc

        problems = []
        alias = index_alias()
        self.stdout.write(
            f"Cluster:   {health['cluster_name']} at {safe_url()}, status {health['status']}, "
            f"{health['number_of_nodes']} node(s)"
        )
        if health["status"] == "red":
            problems.append("the cluster is red (some data is unavailable)")
        try:
            indices = sorted(client.indices.get_alias(name=alias).body)
        except NotFoundError:
            indices = []
        if not indices:
            self.stdout.write(f"Alias:     {alias} -> (missing)")
            problems.append(f"there is no {alias} index yet; run `manage.py search_rebuild`")
        else:
            self.stdout.write(f"Alias:     {alias} -> {', '.join(indices)}")
            in_index = client.count(index=alias)["count"]
            in_database = count_indexable_pages()
            note = "" if in_index == in_database else "  (differs: see the outbox below, or run search_rebuild)"
            self.stdout.write(f"Documents: {in_index} in the index, {in_database} live public pages{note}")
        for line in backlog:
            self.stdout.write(line)
        status = SearchEngineStatus.objects.first()
        if status and status.failing_since:
            problems.append(
                f"the site has answered searches from the database since {status.failing_since:%Y-%m-%d %H:%M} "
                "(see the last error above)"
            )
        if problems:
            raise CommandError("Search cannot use Elasticsearch: " + "; ".join(problems) + ".")
        self.stdout.write(self.style.SUCCESS("Elasticsearch search is healthy."))

    def site_lines(self):
        """The last error the site met talking to the cluster (a search, suggestion or outbox send)."""
        status = SearchEngineStatus.objects.first()
        if not status or not status.last_error_at:
            return ["Site:      no errors from Elasticsearch recorded"]
        state = (
            f"failing since {status.failing_since:%Y-%m-%d %H:%M}"
            if status.failing_since
            else f"answering again since {status.recovered_at:%Y-%m-%d %H:%M}"
            if status.recovered_at
            else "answering"
        )
        return [
            f"Site:      {state}",
            f"           Last error seen by the site: {status.last_error_at:%Y-%m-%d %H:%M} {status.last_error}",
        ]

    def outbox_lines(self):
        pending = IndexOutbox.objects.pending()
        summary = pending.aggregate(oldest=Min("created_at"), attempts=Max("attempts"))
        count = pending.count()
        if not count:
            return ["Outbox:    no changes waiting"]
        lines = [
            f"Outbox:    {count} change(s) waiting since {summary['oldest']:%Y-%m-%d %H:%M}, "
            f"up to {summary['attempts']} attempt(s)"
        ]
        latest = pending.exclude(last_error="").order_by("-last_attempt_at").first()
        if latest:
            lines.append(f"           last error: {latest.last_error}")
        return lines
