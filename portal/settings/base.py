"""Settings shared by every environment, one section per topic.

Everything that differs between machines is read from environment variables
(https://docs.djangoproject.com/en/5.2/topics/settings/), each in one place,
and each setting is declared once, here or (for the services only a server
uses: Redis, object storage, a CDN, nginx purging, the task worker) in
``production.py``. ``dev``, ``test`` and ``production`` import from here and
change only what they must. ``tests/settings/test_declared.py`` fails if the
code reads a setting that is declared nowhere.

Sections, in order:
  1. Paths and environment helpers     8. Static files, media and private photos
  2. Core                               9. Email and background tasks
  3. Applications                      10. Logging
  4. Middleware                        11. Wagtail
  5. Templates                         12. Search
  6. Database                          13. Caching
  7. Security headers and policies     14. Accounts, sign-in and two-factor
                                       15. Public API
                                       16. Portal features
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from portal.core.frontend import FRONTEND_SUPPORTED_SCRIPT, csp_hash

# --- 1. Paths and environment helpers ----------------------------------------

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    """A comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --- 2. Core ---------------------------------------------------------------------

# Signs sessions, password-reset links and tokens. Env: SECRET_KEY; production
# refuses to start without 50+ random characters, dev and test set their own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Tracebacks in the browser: only dev switches it on. Not from the environment.
DEBUG = False
# Host names the site answers to. Env: ALLOWED_HOSTS, comma-separated (dev allows any).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# The admin's page editor posts every field of a long page at once.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- 3. Applications -------------------------------------------------------------
# In full, in this order: the portal's own apps come first so that their
# templates override the design system's and Wagtail's; allauth after Django's
# auth. Production adds wagtail.contrib.frontend_cache when nginx is purged.

INSTALLED_APPS = [
    # The portal: shared pieces, content areas, community and programme tools.
    "portal.core",
    "portal.taxonomy",
    "portal.home",
    "portal.updates",
    "portal.roadmap",
    "portal.members",
    "portal.comments",
    "portal.culture",  # safety culture self-assessment
    "portal.improvement",  # change ideas organisations test and adopt: spread
    "portal.localmeasures",  # organisations' own monthly figures and the public roll-up
    "learning",
    "casestudies",
    "search",
    "portal.backup",  # the export_site and import_site commands
    "portal.demo",  # the demo site: the load_demo and demo_totp commands
    # The NHS.UK design system for Wagtail: components, header/footer settings, forms.
    "wagtailnhsukfrontend",
    "wagtailnhsukfrontend.settings",
    "wagtailnhsukfrontend.forms",
    # Wagtail's optional apps, its API (on Django REST framework), then Wagtail itself.
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Sign-in (allauth) and the Content Security Policy.
    "allauth",
    "allauth.account",
    "csp",
    # The email outbox and the database task queue whose worker sends it
    # (section 9); the table is installed everywhere.
    "portal.mail",
    "django_tasks_db",
    # Two-factor authentication (section 14).
    "allauth.mfa",
]

# --- 4. Middleware ---------------------------------------------------------------
# In full, in this order (the order matters: each sees the request after the
# ones above it and the response before them).

MIDDLEWARE = [
    # Security headers, the Content Security Policy and Permissions-Policy (section 7).
    "django.middleware.security.SecurityMiddleware",
    "portal.core.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Static files, then anonymous visitors' pages from the cache, before sessions are looked up.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.core.pagecache.PageCacheMiddleware",
    # Django's sessions, CSRF, sign-in and messages.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # allauth, then two-factor: admin access needs an authenticator app (section 14).
    "allauth.account.middleware.AccountMiddleware",
    "portal.members.two_factor.TwoFactorMiddleware",
    # Last of those with a process_exception, so that it sees a view's database error first.
    "portal.core.middleware.DatabaseUnavailableMiddleware",
    # Around the page editor's POSTs only: one review decision per page (learning/editor_decisions.py).
    "learning.editor_decisions.EditorDecisionMiddleware",
]

# --- 5. Templates ----------------------------------------------------------------

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.members.two_factor.two_factor_notice",
            ],
        },
    },
]

# --- 6. Database -----------------------------------------------------------------

# SQLite by default so that a newcomer needs nothing installed; PostgreSQL (or
# anything dj-database-url understands) when DATABASE_URL says so. Env:
# DATABASE_URL, and DATABASE_CONN_MAX_AGE (seconds a connection is kept; 0 here, 600 in production).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
# SQLite under concurrent posting (found by bench/load.py): by default a
# transaction that reads and then writes fails at once with "database is
# locked" when another holds the write lock. IMMEDIATE takes the lock at the
# start of each transaction and waits up to `timeout` seconds for it; WAL lets
# readers carry on while someone writes. PostgreSQL is unaffected.
# https://docs.djangoproject.com/en/5.2/ref/databases/#database-is-locked-errors
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# AutoField, as the NHS.UK settings app was migrated with; BigAutoField
# would leave that third-party app with pending migrations.
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# --- 7. Security headers and policies (docs/security.md) ----------------------------

# Security headers on every response. SecurityMiddleware sends
# X-Content-Type-Options: nosniff and Referrer-Policy (and HSTS in production);
# XFrameOptionsMiddleware sends X-Frame-Options: DENY for older browsers.
# https://docs.djangoproject.com/en/5.2/ref/middleware/#module-django.middleware.security
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form sent with an out-of-date token (most often after signing in or out
# in another tab) gets a page in the site's design saying nothing was changed,
# with a link back, instead of Django's bare "Forbidden (403)". Still a 403.
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-failure-view
CSRF_FAILURE_VIEW = "portal.core.views.csrf_failure"

# Content Security Policy (django-csp 4). The public site loads scripts and
# styles only from its own static files: no inline script, no inline style, no
# eval. A template that ever needs an inline script gives it
# nonce="{{ request.csp_nonce }}". The design system's one-line script at the
# top of <body> is allowed by its hash (portal.core.frontend). Fonts are the NHS.UK Frutiger files that the
# design system's CSS asks for. Embeds from other sites (rich text "embed") are
# blocked by default-src until a provider is added here on purpose. Production
# adds CDN_URL to the sources of images, styles, scripts and fonts.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, csp_hash(FRONTEND_SUPPORTED_SCRIPT)],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin (and Django's, kept for emergencies) still has inline
# scripts and styles, and shows previews of pages in a frame of its own, so it
# gets a looser policy: inline script and style allowed, framing by itself
# only. It is still closed to other sites' scripts, objects and forms. See
# portal.core.middleware.ContentSecurityPolicyMiddleware.
PORTAL_ADMIN_PATH_PREFIXES = ["/admin/", "/django-admin/"]
PORTAL_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:", "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Permissions-Policy (django-permissions-policy): the portal uses none of these
# browser features, so no page, and nothing framed in one, may ask for them.
# Photos are uploaded through a file input, which needs no camera permission.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Proxies whose X-Forwarded-For is believed when counting per client (sign-in
# and API throttles; portal/core/client_ip.py): addresses or networks,
# comma-separated. Env: TRUSTED_PROXIES; empty here, deploy/gunicorn.conf.py
# sets it to the nginx in front. Anyone else's X-Forwarded-For is ignored.
PORTAL_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# --- 8. Static files, media and private photos -------------------------------------
# Production serves media from object storage and both from a CDN when asked
# (AWS_STORAGE_BUCKET_NAME, CDN_URL in production.py).

STATIC_URL = "/static/"
# Where collectstatic puts the files whitenoise serves. Env: STATIC_ROOT.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
# Where uploads (images, documents) are stored on disk. Env: MEDIA_ROOT.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Photos members attach to drafts are stored outside MEDIA_ROOT until their
# post is published, and served only to their author and the programme team
# (learning/private_photos.py). Env: PRIVATE_MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    # Uploads on disk, with drafts' photos kept apart (learning/private_photos.py).
    "default": {"BACKEND": "learning.private_photos.MediaStorage"},
    # Hashed names and compressed copies (dev and test serve the files unhashed).
    "staticfiles": {"BACKEND": "portal.core.storage.StaticFilesStorage"},
}

# --- 9. Email and background tasks (portal/mail, docs/reliability.md) --------------------

# Every email, the portal's own, allauth's and Wagtail's, goes into the
# outbox: EMAIL_BACKEND only writes a row, so no request talks to the mail
# server. The outbox is sent by the django-tasks task ``send_outbox``; the
# ``send_outbox`` command retries what is waiting. With no TASKS setting
# django-tasks' immediate backend sends at once, after the change commits
# (development and tests); production sets TASKS to the database backend,
# whose worker, ``manage.py db_worker``, sends it outside any request.
EMAIL_BACKEND = "portal.mail.backends.OutboxBackend"
# The mail server. Env: EMAIL_HOST (none: emails are printed to the console),
# EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds of each wait on the mail server, so that a server that never answers
# costs a sender that long, not for ever. Env: EMAIL_TIMEOUT.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
# The sender of every email. Env: DEFAULT_FROM_EMAIL.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Safety Learning Portal <noreply@localhost>")
# What the outbox's sender hands emails to: SMTP wherever EMAIL_HOST is set,
# the console otherwise (dev may write files instead: EMAIL_FILE_PATH).
PORTAL_MAIL_DELIVERY_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# --- 10. Logging -----------------------------------------------------------------

# To the console, at LOG_LEVEL (env; INFO).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Each page save logs its background tasks and audit entries; keep the
        # console for what people need to read.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- 11. Wagtail -----------------------------------------------------------------

WAGTAIL_SITE_NAME = "Safety Learning Portal"
# The public address of the site, such as https://learning.example.org. Every
# link in every email the portal sends starts with it (portal.core.links), so
# an email never points at whatever host a request or the Wagtail Site record
# happened to name. Wagtail's own emails (moderation, admin) use it too.
# Env: PORTAL_BASE_URL.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if not re.fullmatch(r"https?://[^/\s?#]+", PORTAL_BASE_URL):
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL must be a scheme and host with no path, such as https://learning.example.org, "
        f"not {PORTAL_BASE_URL!r}."
    )
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_I18N_ENABLED = False
# Wagtail shows admin users' avatars from gravatar.com by default, which would
# send a hash of each editor's email address to another site on every admin
# page (and the admin policy above would block the image anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# A topic typed "Falls" or "FALLS" is the topic "falls" already in use, not a
# new one beside it (django-taggit looks names up with iexact; the admin too).
TAGGIT_CASE_INSENSITIVE = True

# --- 12. Search (search/, docs/performance.md) -------------------------------------

# The embedded default is Wagtail's database backend (SQLite FTS5 or
# PostgreSQL full text). SEARCH_CONFIG is PostgreSQL's text search
# configuration (stemming, stop words); SQLite ignores it. Named here so that
# search does not depend on the server's default_text_search_config. The
# admin always searches with this backend.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "english"},
}
# Daily search counts (wagtail.contrib.search_promotions) kept for the
# "Search terms" report, which covers the last 30 days.
WAGTAILSEARCH_HITS_MAX_AGE = 30
# The public search uses Elasticsearch 8 when this is set, falling back to the
# database engine whenever the cluster gives no usable answer. Env: ELASTICSEARCH_URL.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Elasticsearch 8 serves HTTPS with a certificate from its own CA and wants
# credentials: the CA file or its SHA-256 fingerprint, and an API key (the
# encoded form) or a user name and password (search/elasticsearch/client.py).
# Env: the same names.
ELASTICSEARCH_CA_CERTS = os.environ.get("ELASTICSEARCH_CA_CERTS", "")
ELASTICSEARCH_FINGERPRINT = os.environ.get("ELASTICSEARCH_FINGERPRINT", "")
ELASTICSEARCH_API_KEY = os.environ.get("ELASTICSEARCH_API_KEY", "")
ELASTICSEARCH_USERNAME = os.environ.get("ELASTICSEARCH_USERNAME", "")
ELASTICSEARCH_PASSWORD = os.environ.get("ELASTICSEARCH_PASSWORD", "")
# Seconds a reader's search waits for the cluster before the database answers
# instead. Not from the environment.
ELASTICSEARCH_TIMEOUT = 2

# --- 13. Caching (portal/core/pagecache.py, docs/scaling.md) --------------------------

# The default cache holds allauth's sign-in throttling counts and the rendered
# pages served to anonymous visitors. Local memory (per process) here;
# production uses Redis, shared by every worker and app server, when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}
# The app's whole-page cache for anonymous visitors. Off unless switched on
# (production switches it on when the cache is shared); a proxy cache (nginx,
# deploy/nginx/portal.conf) in front does the same job without it. Env: PORTAL_PAGE_CACHE.
PORTAL_PAGE_CACHE = env_bool("PORTAL_PAGE_CACHE", False)
PORTAL_PAGE_CACHE_ALIAS = "default"
# The cache holding the content generation, the token every kept page and answer
# is stored under (portal/core/pagecache.py). Production without Redis points it
# at files every worker on the machine shares.
PORTAL_GENERATION_CACHE_ALIAS = "default"
# Seconds a page is kept. Env: PORTAL_PAGE_CACHE_SECONDS.
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "600"))
# Filtered and later pages of listings: a proxy cannot purge every variant.
# Env: PORTAL_PAGE_CACHE_QUERY_SECONDS.
PORTAL_PAGE_CACHE_QUERY_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_QUERY_SECONDS", "60"))
# Browsers cannot be purged, so they keep no page: each visit asks again (answered
# from nginx or the page cache). With a minute, a reviewer's phone still listed a
# page for 60 seconds after it was made members-only. Back and forward still work
# from the browser's memory.
PORTAL_PAGE_CACHE_BROWSER_SECONDS = 0
# Never cached: private, per-person or search pages.
PORTAL_PAGE_CACHE_EXCLUDED_PATHS = [
    *PORTAL_ADMIN_PATH_PREFIXES,
    "/accounts/",
    "/api/",
    "/comments/",
    "/culture/",  # private answer links and results: never shared
    "/my-organisation/measures/",  # an organisation's own figures: never shared
    "/digests/",
    "/documents/",
    "/members/",
    "/search/",
    "/share/",
]
# A response that sets this cookie is never cached.
PORTAL_MESSAGES_COOKIE_NAME = "messages"
# The caching proxy told which URLs to drop when content changes (Wagtail's
# frontend cache app): none here; production names nginx when
# FRONTEND_CACHE_PURGE_URL is set.
# https://docs.wagtail.org/en/stable/reference/contrib/frontendcache.html
WAGTAILFRONTENDCACHE = {}

# --- 14. Accounts, sign-in and two-factor (portal/members, docs/security.md) -----------

# Django's backend for the Wagtail admin's own sign-in; allauth's for the
# public site's, by email address. Each as the portal's subclass, which loads a
# signed-in request's user with their groups, admin access and member profile
# in one query (portal/members/backends.py); sessions signed in under the
# packages' own names are read as these (portal/members/sessions.py).
AUTHENTICATION_BACKENDS = [
    "portal.members.backends.ModelBackend",
    "portal.members.backends.AuthenticationBackend",
]
# Sessions in the database as Django's "db" engine keeps them (server-side, so
# signing out or deleting a session ends it at once), read with SQL the ORM
# writes once per process rather than on every request (portal/members/sessions.py).
SESSION_ENGINE = "portal.members.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# A page restricted to members (or any other private page) sends a visitor who
# is not signed in to the portal's own sign-in page rather than Wagtail's.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# One sign-in for everyone: the Wagtail admin signs people in through
# allauth's page, so the admin gets the same failed-sign-in throttle
# (ACCOUNT_RATE_LIMITS) and the same two-factor step as the public site;
# /admin/login/ and /django-admin/login/ only redirect there (portal/urls.py).
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
# One password reset for everyone, allauth's (throttled: ACCOUNT_RATE_LIMITS);
# Wagtail's /admin/password_reset/ only redirects there (portal/urls.py).
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Only development settings may create the demo logins (load_demo, demo_totp).
PORTAL_DEMO_ACCOUNTS = False

# Member accounts: django-allauth does every account flow. People sign in with
# their email address, which they must confirm first; usernames are made up
# from their name and never typed.
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "portal.members.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "add_email": "portal.members.forms.MemberAddEmailForm",
    "change_password": "portal.members.forms.MemberChangePasswordForm",
    "confirm_login_code": "portal.members.forms.MemberConfirmLoginCodeForm",
    "login": "portal.members.forms.MemberLoginForm",
    "request_login_code": "portal.members.forms.MemberRequestLoginCodeForm",
    "reset_password": "portal.members.forms.MemberResetPasswordForm",
    "reset_password_from_key": "portal.members.forms.MemberResetPasswordKeyForm",
    "signup": "portal.members.forms.MemberSignupForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Safety Learning Portal: "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Wagtail sends a signed-in member who opens /admin/ to the sign-in page with
# "You do not have permission to access the admin"; allauth must show it
# there rather than send them straight back to /admin/ (a redirect loop).
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
# Failed sign-ins: at most 5 per email address in 5 minutes and 10 a minute
# from one address (allauth's defaults, written out so they are visible).
# https://docs.allauth.org/en/latest/account/rate_limits.html
# The "key" of login_failed is the email address *and* the client's address
# (portal.members.adapter.AccountAdapter), so a stranger's wrong guesses lock
# only the stranger out; the real person can also ask for a sign-in code by
# email (ACCOUNT_LOGIN_BY_CODE_ENABLED), which has a throttle of its own.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    # Two-factor codes count against login_failed per account and client (5 in 5 minutes), and
    # against this ceiling per account from every client together (portal.members.forms).
    "mfa_code_account": "25/10m/key",
    # The password asked for before a member deletes their account (portal.members.forms).
    "delete_account": "5/5m/user",
    # allauth's defaults for the emailed sign-in code and password reset, written out.
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300

# Two-factor authentication for the programme team. Anyone with admin access
# must set up an authenticator app before any admin page opens
# (TwoFactorMiddleware), and any role beyond a member's works, on any page,
# only once two-factor has been passed in the session; members may choose to.
# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
MFA_ADAPTER = "portal.members.two_factor.TwoFactorAdapter"
MFA_FORMS = {
    "activate_totp": "portal.members.forms.MemberActivateTOTPForm",
    "authenticate": "portal.members.forms.MemberAuthenticateForm",
    "reauthenticate": "portal.members.forms.MemberReauthenticateForm",
}

# --- 15. Public API (/api/v2/, portal/api.py) -----------------------------------------

# The read-only API is public: it reads no credentials at all (no session, no
# HTTP Basic), so it cannot be used to try passwords, and each client may make
# PORTAL_API_RATE requests.
# https://www.django-rest-framework.org/api-guide/throttling/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.core.public_api.ClientRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests each client may make. Env: API_RATE_LIMIT.
PORTAL_API_RATE = os.environ.get("API_RATE_LIMIT", "120/minute")
# Searches through the API (?search=) cost more, so each client may make
# fewer. Env: API_SEARCH_RATE_LIMIT.
PORTAL_API_SEARCH_RATE = os.environ.get("API_SEARCH_RATE_LIMIT", "20/minute")
# Searches per client on the site's search page (each filter ticked is one). Env: SITE_SEARCH_RATE_LIMIT.
PORTAL_SITE_SEARCH_RATE = os.environ.get("SITE_SEARCH_RATE_LIMIT", "40/minute")
# At most this many items per request (?limit=).
WAGTAILAPI_LIMIT_MAX = 100

# --- 16. Portal features -----------------------------------------------------------

# How many cards a listing shows per page.
PORTAL_PAGE_SIZE = 12
# XmR charts (portal/roadmap): how many points in a row on one side of the
# mean make a shift (NHS 'Making Data Count' uses 7; some guides use 6).
PORTAL_SPC_RUN_LENGTH = 7
# Safety culture self-assessment (portal/culture): a round's results stay
# hidden until at least this many people have answered (a round may ask for
# more; never fewer than 5). Env: CULTURE_MIN_RESPONSES.
CULTURE_MIN_RESPONSES = int(os.environ.get("CULTURE_MIN_RESPONSES", "5"))
# Comments (portal/comments): at most this many per member per hour, counted
# from stored comments so the limit holds across server processes.
PORTAL_COMMENTS_PER_HOUR = 20
