"""Email each member who asked for one a digest of new learning they follow.

Run it on a schedule (for example weekly); running it twice, or again after
a failure, sends nobody the same page twice. See ``portal.members.digests``.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.members.digests import send_all


class Command(BaseCommand):
    help = "Email each member who wants a digest the pages published in their followed settings and domains."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get a digest and how many pages, sending nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        checked = 0

        def report(profile, pages, outcome):
            nonlocal checked
            checked += 1
            if verbosity >= 2 or outcome.startswith("failed"):
                self.stdout.write(f"  member {profile.pk}: {len(pages)} new page(s), {outcome}")
            elif checked % 50 == 0:
                self.stdout.write(f"  {checked} members checked…")

        self.stdout.write("Sending email digests" + (" (dry run: nothing is sent)" if dry_run else "") + "…")
        result = send_all(dry_run=dry_run, report=report)
        verb = "would get" if dry_run else "sent"
        self.stdout.write(
            f"{result.recipients} member(s) want a digest: {result.sent} {verb} one, "
            f"{result.nothing_new} had nothing new, {len(result.failed)} failed."
        )
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} digest(s) could not be sent; those members will get them on the next run."
            )
        self.stdout.write(self.style.SUCCESS("Done."))
