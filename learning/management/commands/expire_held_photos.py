"""Delete photos kept for forms that were never sent again (see ``learning.held_photos``).

Run it on a schedule, for example hourly or daily; each member's own expired
photos are also deleted whenever they save a post. It also forgets refused
photos older than a day, which no longer count against the posting limit.
"""

from django.core.management.base import BaseCommand

from learning.held_photos import HOLD_FOR, expire
from learning.moderation import forget_old_refused_photos


class Command(BaseCommand):
    help = "Delete photos kept for members' unsent forms for longer than a day, and old refused-photo records."

    def handle(self, *args, **options):
        count = expire()
        hours = int(HOLD_FOR.total_seconds() // 3600)
        self.stdout.write(f"Deleted {count} photo(s) kept for more than {hours} hours.")
        self.stdout.write(f"Forgot {forget_old_refused_photos()} refused photo(s) older than a day.")
