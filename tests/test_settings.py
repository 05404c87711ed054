"""Configuration comes from the environment; production refuses unsafe starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def import_settings(module, **env):
    clean = outside_test_environment()
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


def outside_test_environment():
    """This process's environment without what the tests set: a deployment has no test database, and
    the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (which Playwright needs) would fail the deploy check."""
    unwanted = {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in unwanted}


def production_env():
    return {
        "SECRET_KEY": "k" * 32 + "-not-a-real-key-but-long-enough-for-the-check",
        "ALLOWED_HOSTS": "safety.example.org",
    }


def test_check_deploy_with_production_settings_reports_nothing():
    clean = outside_test_environment()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **production_env()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_sends_hsts_and_secure_http_only_same_site_cookies():
    code = (
        "import django, json; from django.conf import settings as s; django.setup(); "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE]))"
    )
    clean = outside_test_environment()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **production_env()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[31536000, true, true, true, "Lax", true, "Lax"]'


def test_hsts_is_sent_only_by_production(client, db):
    """Development and tests run over plain HTTP, where HSTS would lock browsers out of localhost."""
    response = client.get("/", secure=True)
    assert "Strict-Transport-Security" not in response


def test_the_public_address_for_email_links_comes_from_the_environment_and_must_be_just_a_scheme_and_host():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.PORTAL_BASE_URL, settings.WAGTAILADMIN_BASE_URL)"
    )

    def run(**env):
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**outside_test_environment(), "DJANGO_SETTINGS_MODULE": "portal.settings.dev", **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    default = run()
    assert default.stdout.split() == ["http://127.0.0.1:8000", "http://127.0.0.1:8000"]
    given = run(PORTAL_BASE_URL="https://learning.example.org/")
    assert given.stdout.split() == ["https://learning.example.org", "https://learning.example.org"]
    for wrong in ("learning.example.org", "https://learning.example.org/portal", "ftp://example.org"):
        refused = run(PORTAL_BASE_URL=wrong)
        assert refused.returncode != 0
        assert "PORTAL_BASE_URL must be a scheme and host with no path" in refused.stderr


def test_production_keeps_its_database_connection_from_one_request_to_the_next(tmp_path):
    """Opening a connection is not free: SQLite reads the whole schema again on a new
    connection's first query (1.5 to 1.8 ms of CPU with this portal's tables), PostgreSQL
    starts a new server process. Production keeps one per worker and checks it before reuse."""
    code = (
        "import django, json; django.setup(); "
        "from django.core.signals import request_finished, request_started; "
        "from django.db import connection; "
        "seen = []\n"
        "for _ in range(2):\n"
        "    request_started.send(sender=None); connection.cursor().execute('SELECT 1'); "
        "seen.append(connection.connection); request_finished.send(sender=None)\n"
        "print(json.dumps({'same': seen[0] is seen[1], 'checks': connection.settings_dict['CONN_HEALTH_CHECKS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **outside_test_environment(),
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            **production_env(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert '{"same": true, "checks": true}' in result.stdout

    closed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **outside_test_environment(),
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            **production_env(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DATABASE_CONN_MAX_AGE": "0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert '"same": false' in closed.stdout, closed.stderr


def test_production_without_redis_keeps_the_content_generation_where_every_worker_reads_it(tmp_path):
    """Each worker keeps pages' parts in its own memory; the token that makes them stale must be shared,
    or a change made through one worker would leave the others showing the old parts for minutes."""
    code = (
        "import django, json; from django.conf import settings as s; django.setup(); "
        "c = s.CACHES[s.PORTAL_GENERATION_CACHE_ALIAS]; "
        "print(json.dumps({'backend': c['BACKEND'], 'location': c.get('LOCATION', '')}))"
    )
    env = {**outside_test_environment(), "DJANGO_SETTINGS_MODULE": "portal.settings.production", **production_env()}
    files = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "PORTAL_GENERATION_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert files.returncode == 0, files.stderr
    assert f'"backend": "django.core.cache.backends.filebased.FileBasedCache", "location": "{tmp_path}"' in files.stdout
    redis = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "REDIS_URL": "redis://127.0.0.1:6379/0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert redis.returncode == 0, redis.stderr
    assert '"backend": "portal.core.cache_backends.FaultTolerantRedisCache"' in redis.stdout
