"""Production settings for object storage, a CDN, Redis and nginx purging, read from the environment.

Each case imports the settings in a fresh interpreter with the variables set,
as a server would at start; nothing is contacted.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
print(json.dumps(default=str, obj={
    "storage": type(storages["default"]).__module__ + "." + type(storages["default"]).__name__,
    "bucket": getattr(storages["default"], "bucket_name", None),
    "endpoint": getattr(storages["default"], "endpoint_url", None),
    "media_url": settings.MEDIA_URL,
    "image_url": storages["default"].url("images/ward.jpg"),
    "static_url": settings.STATIC_URL,
    "csp": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "page_cache": settings.PORTAL_PAGE_CACHE,
    "frontend_cache": settings.WAGTAILFRONTENDCACHE,
    "apps": settings.INSTALLED_APPS,
}))
"""


def production_settings(**variables):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "CDN_", "REDIS_"))}
    env.pop("PORTAL_PAGE_CACHE", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "k" * 64,
            "STATIC_ROOT": str(ROOT / "no-such-static-root"),
            "FRONTEND_CACHE_PURGE_URL": "",
            **variables,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_bucket_media_stays_on_disk_and_nothing_is_cached_across_workers():
    found = production_settings()
    # on disk: the file storage that keeps photos on unpublished posts outside MEDIA_ROOT
    assert found["storage"] == "learning.private_photos.MediaStorage"
    assert found["media_url"] == "/media/"
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["page_cache"] is False
    assert found["frontend_cache"] == {}
    assert "https://cdn.example.org" not in found["csp"]["img-src"]


def test_a_bucket_and_a_cdn_put_media_on_object_storage_linked_through_the_cdn():
    found = production_settings(
        AWS_STORAGE_BUCKET_NAME="portal-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_ACCESS_KEY_ID="not-a-real-key",
        AWS_SECRET_ACCESS_KEY="not-a-real-secret",  # noqa: S106 - a placeholder; no bucket is contacted
        CDN_URL="https://cdn.example.org/",
    )
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == "portal-media"
    assert found["endpoint"] == "https://objects.example.org"
    assert found["image_url"] == "https://cdn.example.org/media/images/ward.jpg"
    assert found["media_url"] == "https://cdn.example.org/media/"
    assert found["static_url"] == "https://cdn.example.org/static/"
    for directive in ("img-src", "style-src", "script-src", "font-src"):
        assert "https://cdn.example.org" in found["csp"][directive], directive
    assert "https://cdn.example.org" not in found["csp"]["connect-src"]


def test_redis_and_a_purge_url_switch_on_the_shared_page_cache_and_nginx_purging():
    found = production_settings(REDIS_URL="redis://cache.internal:6379/0", FRONTEND_CACHE_PURGE_URL="http://127.0.0.1")
    assert found["cache"] == "portal.core.cache_backends.FaultTolerantRedisCache"
    assert found["page_cache"] is True
    assert found["frontend_cache"]["nginx"]["LOCATION"] == "http://127.0.0.1"
    assert "wagtail.contrib.frontend_cache" in found["apps"]


def test_a_mistyped_trusted_proxy_stops_the_server_at_start():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production", "SECRET_KEY": "k" * 64}
    env.update(TRUSTED_PROXIES="127.0.0.1,nginx.internal")
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx.internal' is not an address or network" in done.stderr


def test_gunicorn_passes_its_trusted_proxy_to_the_portal_but_never_everyone():
    def raw_env(**variables):
        env = {name: value for name, value in os.environ.items() if name not in {"TRUSTED_PROXIES"}}
        env.pop("FORWARDED_ALLOW_IPS", None)
        env.update(variables)
        code = "import runpy; print(runpy.run_path('deploy/gunicorn.conf.py')['raw_env'])"
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
        )
        return done.stdout.strip()

    assert raw_env() == "['TRUSTED_PROXIES=127.0.0.1']"
    assert raw_env(FORWARDED_ALLOW_IPS="10.0.0.5") == "['TRUSTED_PROXIES=10.0.0.5']"
    assert raw_env(FORWARDED_ALLOW_IPS="*") == "['TRUSTED_PROXIES=']"
    assert raw_env(FORWARDED_ALLOW_IPS="*", TRUSTED_PROXIES="10.0.0.0/8") == "['TRUSTED_PROXIES=10.0.0.0/8']"
