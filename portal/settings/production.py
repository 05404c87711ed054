"""Production: everything from the environment, and refuse to start unsafely.

Besides HTTPS, this is where the services only a server uses are configured,
each switched on by its environment variable: the task worker's queue, Redis
(REDIS_URL), nginx purging (FRONTEND_CACHE_PURGE_URL), object storage
(AWS_STORAGE_BUCKET_NAME) and a CDN (CDN_URL). See docs/scaling.md.
"""

import ipaddress
import tempfile

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, INSTALLED_APPS, PORTAL_ADMIN_CONTENT_SECURITY_POLICY, SECRET_KEY, env_bool

# --- HTTPS and secrets -------------------------------------------------------------

if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value (50+ characters) before starting in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Each gunicorn worker keeps its database connection between requests (for up
# to 10 minutes) instead of opening one per request: on SQLite a new
# connection's first query reads the whole schema again (1.5 to 1.8 ms of CPU,
# and more waiting on a busy machine), on PostgreSQL it starts a server
# process. docs/performance.md has the measurements. Health
# checks replace a connection the server has dropped. Workers are processes
# with one thread each, and no connection is open when gunicorn forks them.
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "600"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# The proxies whose X-Forwarded-For is believed (portal/core/client_ip.py):
# a mistyped entry stops the server here rather than on the first sign-in.
for _proxy in PORTAL_TRUSTED_PROXIES:  # noqa: F405
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or network (e.g. 127.0.0.1 or 10.0.0.0/8)."
        ) from None
# Plain HTTP is redirected to HTTPS. Env: SECURE_SSL_REDIRECT (0 to try the
# server alone, without nginx in front).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# How long browsers must use HTTPS only. Env: SECURE_HSTS_SECONDS.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# --- Background tasks --------------------------------------------------------------

# Background tasks (sending the email outbox, search and cache updates) are
# queued in the database and run by a worker process, `manage.py db_worker`,
# which `make serve` and deploy/systemd/portal-worker.service start beside
# gunicorn; no request waits for them. docs/reliability.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Redis and the page cache ------------------------------------------------------

# One cache for every worker and app server, e.g. redis://cache.internal:6379/0.
# An unreachable Redis is treated as an empty cache, so pages are still
# served, uncached (portal.core.cache_backends). Env: REDIS_URL, and
# CACHE_KEY_PREFIX (portal) when several sites share one Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")  # noqa: F405
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.core.cache_backends.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),  # noqa: F405
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Each worker then keeps pages and answers in its own memory, under the content
    # generation. The generation itself goes in files every worker on this machine
    # reads, so a change made through one worker makes every worker's kept answers
    # stale at once (several app servers need Redis). Env: PORTAL_GENERATION_DIR.
    CACHES = {
        **CACHES,  # noqa: F405
        "generation": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(  # noqa: F405
                "PORTAL_GENERATION_DIR",
                os.path.join(tempfile.gettempdir(), "portal-content-generation"),  # noqa: F405
            ),
        },
    }
    PORTAL_GENERATION_CACHE_ALIAS = "generation"
# The app's page cache is on when every worker shares the cache (Redis): with
# per-process memory, a purge in one worker would leave the others serving the
# old page. PORTAL_PAGE_CACHE=1 or 0 decides explicitly.
PORTAL_PAGE_CACHE = env_bool("PORTAL_PAGE_CACHE", bool(REDIS_URL))

# --- nginx purging -----------------------------------------------------------------

# A caching proxy in front (nginx with the cache purge module) is told which
# URLs to drop when content changes, through Wagtail's frontend cache app.
# Env: FRONTEND_CACHE_PURGE_URL, e.g. http://127.0.0.1:80.
# https://docs.wagtail.org/en/stable/reference/contrib/frontendcache.html
FRONTEND_CACHE_PURGE_URL = os.environ.get("FRONTEND_CACHE_PURGE_URL", "")  # noqa: F405
if FRONTEND_CACHE_PURGE_URL:
    # Beside the other third-party apps, after csp, as it always has been.
    _at = INSTALLED_APPS.index("csp") + 1
    INSTALLED_APPS = [*INSTALLED_APPS[:_at], "wagtail.contrib.frontend_cache", *INSTALLED_APPS[_at:]]
    WAGTAILFRONTENDCACHE = {
        "nginx": {"BACKEND": "portal.core.cache_backends.NginxPurgeBackend", "LOCATION": FRONTEND_CACHE_PURGE_URL}
    }

# --- Object storage and a CDN ------------------------------------------------------

# Media on S3-compatible object storage (django-storages) when a bucket is
# named. Env: AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
# and the credentials AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (read by
# boto3 itself). Draft photos are then in the bucket like every other upload,
# not private; docs/security.md says so.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")  # noqa: F405
# Static files and media linked from a CDN, e.g. https://cdn.example.org,
# which the Content Security Policy then allows. Env: CDN_URL.
CDN_URL = os.environ.get("CDN_URL", "").rstrip("/")  # noqa: F405
if AWS_STORAGE_BUCKET_NAME:
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # noqa: F405
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,  # noqa: F405
                "custom_domain": CDN_URL.split("://", 1)[-1] if CDN_URL else None,
                "location": "media",
                "file_overwrite": False,
                "querystring_auth": False,
                "default_acl": None,
                "object_parameters": {"CacheControl": "public, max-age=31536000"},
            },
        },
    }
if CDN_URL:
    STATIC_URL = f"{CDN_URL}/static/"
    MEDIA_URL = f"{CDN_URL}/media/"
    for directive in ("img-src", "style-src", "script-src", "font-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][directive].append(CDN_URL)
        PORTAL_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"][directive].append(CDN_URL)
