"""Configuration comes from the environment; production refuses unsafe starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def import_settings(module, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
        "'name': str(settings.DATABASES['default']['NAME']), 'debug': settings.DEBUG, "
        "'hosts': settings.ALLOWED_HOSTS, 'demo': settings.PORTAL_DEMO_ACCOUNTS}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = import_settings("portal.settings.production")
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr

    short = import_settings("portal.settings.production", SECRET_KEY="too-short")
    assert short.returncode != 0


def test_production_starts_with_a_secret_key_and_reads_the_database_and_hosts_from_the_environment():
    result = import_settings(
        "portal.settings.production",
        SECRET_KEY="x" * 64,
        DATABASE_URL="postgres://portal:pw@db.example.org:5432/portal",
        ALLOWED_HOSTS="safety.example.org, www.safety.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.postgresql"' in result.stdout
    assert '"name": "portal"' in result.stdout
    assert '"hosts": ["safety.example.org", "www.safety.example.org"]' in result.stdout
    assert '"debug": false' in result.stdout
    assert '"demo": false' in result.stdout


@pytest.mark.parametrize("module, demo", [("portal.settings.dev", "true"), ("portal.settings.test", "false")])
def test_sqlite_is_the_default_and_only_dev_allows_demo_logins(module, demo):
    result = import_settings(module)
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert f'"demo": {demo}' in result.stdout
