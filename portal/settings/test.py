"""Tests: fast hashing, in-memory email, static files without collectstatic."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105 - test settings only; production refuses keys like this
ALLOWED_HOSTS = ["*"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test runner sets EMAIL_BACKEND to Django's in-memory backend whatever
# is written here; what the outbox sends lands there too. tests/mail switch to
# production's email and task settings to test the outbox end to end.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WHITENOISE_AUTOREFRESH = True

# Many tests search from the one test client address; tests/search/test_views.py tests the limit itself.
PORTAL_SITE_SEARCH_RATE = "100000/minute"
