from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from portal.backup.archive import DamagedArchive, VerifiedArchive
from portal.backup.restore import RestoreRefused, rebuild_indexes, restore
from portal.core.progress import Progress


class Command(BaseCommand):
    help = "Restore a site archive made by export_site into a newly migrated, empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive export_site wrote.")

    def handle(self, *args, **options):
        path = options["archive"]

        def progress(label, total):
            return Progress(self.stdout, label, total)

        self.stdout.write(f"Restoring the site from {path}...")
        try:
            archive = VerifiedArchive(path, progress_factory=progress)
        except DamagedArchive as exc:
            raise CommandError(f"Cannot restore {path}: {exc}. Nothing was changed.") from exc
        try:
            rows, media = restore(archive, progress_factory=progress)
        except RestoreRefused as exc:
            raise CommandError(f"Cannot restore {path}: {exc}. Nothing was changed.") from exc
        except DatabaseError as exc:
            problem = " ".join(str(exc).split())
            raise CommandError(
                f"Cannot restore {path}: the database rejected its rows ({problem}). Nothing was changed."
            ) from exc
        finally:
            archive.cleanup()
        self.stdout.write(f"Restored {rows} rows and {media} media files. Rebuilding the search index...")
        rebuild_indexes(progress_factory=progress, stdout=self.stdout)
        if not archive.manifest.get("with_members"):
            self.stdout.write("The archive holds no accounts: run createsuperuser to sign in to the admin.")
        if settings.ELASTICSEARCH_URL:
            self.stdout.write("Elasticsearch is configured: run search_rebuild to fill its index.")
        self.stdout.write(self.style.SUCCESS("Site restored."))
