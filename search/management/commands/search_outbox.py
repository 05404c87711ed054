from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.elasticsearch.client import indexing_client, quiet_transport_logs, safe_url
from search.elasticsearch.indexing import send_pending
from search.models import IndexOutbox


class Command(BaseCommand):
    help = "List the page changes waiting for the search index, or send them now with --replay."

    def add_arguments(self, parser):
        parser.add_argument(
            "--replay", action="store_true", help="Send every waiting change to Elasticsearch now, oldest first."
        )

    def handle(self, *args, **options):
        quiet_transport_logs()
        pending = IndexOutbox.objects.pending()
        if options["replay"]:
            if not settings.ELASTICSEARCH_URL:
                raise CommandError("ELASTICSEARCH_URL is not set, so there is no index to send changes to.")
            report = send_pending(indexing_client())
            left = pending.count()
            self.stdout.write(f"Sent {report.sent} change(s); {left} waiting.")
            if left:
                raise CommandError(
                    f"{left} change(s) could not be sent to {safe_url()}: {report.errors[0] if report.errors else ''}"
                )
            self.stdout.write(self.style.SUCCESS("The search index is up to date with the outbox."))
            return
        count = pending.count()
        self.stdout.write(f"{count} change(s) waiting for the search index.")
        for row in pending.order_by("pk")[:20]:
            error = f" - {row.last_error}" if row.last_error else ""
            when = f"{row.created_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"  {when}  {row.action:<6} page {row.page_id}  {row.attempts} attempt(s){error}")
        if count > 20:
            self.stdout.write(f"  ... and {count - 20} more")
