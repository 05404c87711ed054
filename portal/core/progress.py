"""A progress bar for long management commands (loading the demo, rebuilding the search index, backups).

It lives here, below every app, so a command in any app can show one without
importing the demo loader.
"""

import sys


class Progress:
    """A one-line progress bar on a terminal; a line per step elsewhere."""

    def __init__(self, stdout, label, total):
        self.stdout, self.label, self.total, self.done = stdout, label, total, 0
        self.tty = getattr(stdout, "isatty", lambda: False)() or sys.stdout.isatty()

    def step(self):
        self.done += 1
        filled = int(20 * self.done / max(self.total, 1))
        line = f"  {self.label:<18} [{'#' * filled}{'.' * (20 - filled)}] {self.done}/{self.total}"
        if self.tty:
            self.stdout.write("\r" + line, ending="\n" if self.done == self.total else "")
        elif self.done == self.total:
            self.stdout.write(line)
