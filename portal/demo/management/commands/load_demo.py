from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Load the demo site (pages, organisations, images, and under dev settings demo logins). Safe to re-run."

    def handle(self, *args, **options):
        self.stdout.write("Loading the demo site...")
        with transaction.atomic():
            loader = DemoLoader(self.stdout)
            accounts = loader.run()
        for kind, (new, existing) in loader.counts.created.items():
            self.stdout.write(f"  {kind}: {new} added, {existing} already there")
        self.stdout.write(self.style.SUCCESS("Demo site ready."))
        if accounts:
            self.stdout.write(
                "\nDemo logins (development only; type the email address at /accounts/login/ or /admin/):"
            )
            for email, password, role in accounts:
                self.stdout.write(f"  {email:<24} {password:<22} {role}")
            self.stdout.write(
                "The admin and editor accounts then ask for a two-factor code: "
                "`python manage.py demo_totp admin` (or editor) prints the current one."
            )
