"""Production: everything from the environment, and refuse to start unsafely."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, SECRET_KEY, env_bool

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value (50+ characters) before starting in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
