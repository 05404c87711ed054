from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.mail.models import OutboxEmail
from portal.mail.sending import send_waiting


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox (run it from cron), or list them with --list."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Only list what is waiting; send nothing.")
        parser.add_argument(
            "--now", action="store_true", help="Also retry emails still waiting out their back-off after a failure."
        )

    def handle(self, *args, **options):
        if options["list"]:
            return self.list_waiting()
        waiting = OutboxEmail.objects.waiting().count()
        self.stdout.write(f"{waiting} email(s) waiting.")

        def progress(number, total, email):
            if options["verbosity"] >= 1:
                self.stdout.write(f"  [{number}/{total}] {email.key}")

        report = send_waiting(ignore_back_off=options["now"], progress=progress)
        left = OutboxEmail.objects.waiting().count()
        self.stdout.write(f"Sent {report.sent} email(s); {left} waiting.")
        if report.failed:
            raise CommandError(f"The mail server did not take an email: {report.errors[0]}. It will be retried.")
        if left:
            later = OutboxEmail.objects.waiting().exclude(next_attempt_at=None).order_by("next_attempt_at").first()
            if later is not None and later.next_attempt_at > timezone.now():
                due = f"{later.next_attempt_at:%Y-%m-%d %H:%M}"
                self.stdout.write(f"The next retry is due at {due}; --now sends it now.")
        else:
            self.stdout.write(self.style.SUCCESS("The outbox is empty."))

    def list_waiting(self):
        waiting = OutboxEmail.objects.waiting().order_by("pk")
        count = waiting.count()
        self.stdout.write(f"{count} email(s) waiting.")
        for email in waiting[:50]:
            error = f" - {email.last_error}" if email.last_error else ""
            tries = f"{email.attempts} failed attempt(s)"
            self.stdout.write(f"  {email.created_at:%Y-%m-%d %H:%M}  {email.key}  {tries}{error}")
        if count > 50:
            self.stdout.write(f"  ... and {count - 50} more")
