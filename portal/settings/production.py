"""Production: everything from the environment, and refuse to start unsafely."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, SECRET_KEY, env_bool

DEBUG = False

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

# The proxies whose X-Forwarded-For is believed (portal/members/client_ip.py):
# a mistyped entry stops the server here rather than on the first sign-in.
for _proxy in PORTAL_TRUSTED_PROXIES:  # noqa: F405
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or network (e.g. 127.0.0.1 or 10.0.0.0/8)."
        ) from None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"

PORTAL_DEMO_ACCOUNTS = False

# Background tasks (sending the email outbox, search and cache updates) are
# queued in the database and run by a worker process, `manage.py db_worker`,
# which `make serve` and deploy/systemd/portal-worker.service start beside
# gunicorn; no request waits for them. docs/reliability.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The app's page cache is on when every worker shares the cache (Redis): with
# per-process memory, a purge in one worker would leave the others serving the
# old page. PORTAL_PAGE_CACHE=1 or 0 decides explicitly.
PORTAL_PAGE_CACHE = env_bool("PORTAL_PAGE_CACHE", bool(REDIS_URL))
