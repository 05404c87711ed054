from django.core.management.base import BaseCommand, CommandError

from portal.backup.export import export_site
from portal.core.progress import Progress


class Command(BaseCommand):
    help = "Write the whole site (pages and their history, taxonomy, roadmap, comments, images) into one archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The file to write, e.g. portal-2026-11-30.tar.gz. Replaced if it exists.")
        parser.add_argument(
            "--with-members",
            action="store_true",
            help="Include member accounts (hashed passwords, email addresses, profiles, groups). "
            "Without it, authors are credited to their organisation, as when a member deletes their account.",
        )

    def handle(self, *args, **options):
        path = options["archive"]
        self.stdout.write(f"Exporting the site to {path}...")
        try:
            manifest = export_site(
                path,
                with_members=options["with_members"],
                progress_factory=lambda label, total: Progress(self.stdout, label, total),
                warn=lambda message: self.stderr.write(self.style.WARNING(message)),
            )
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from exc
        rows = sum(entry["count"] for entry in manifest["models"])
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        members = "with" if manifest["with_members"] else "without"
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path}: {rows} rows, {media} media files, {members} member accounts, "
                f"{manifest['size'] / 1_000_000:.1f} MB."
            )
        )
