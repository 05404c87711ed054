"""The WSGI application, as gunicorn's master loads it before forking its workers."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOAD = """
import sys
import portal.wsgi
from django.db import connections
print("IMPORTED", "portal.urls" in sys.modules, "portal.members.views" in sys.modules)
print("CONNECTIONS", sum(1 for c in connections.all() if c.connection is not None))
"""


def test_loading_the_app_imports_the_urlconf_and_opens_no_database_connection(tmp_path):
    """Each forked worker then starts with the views imported, not on its first request, and shares no connection."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    out = subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "IMPORTED True True" in out
    assert "CONNECTIONS 0" in out
