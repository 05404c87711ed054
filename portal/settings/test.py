"""Tests: fast hashing, in-memory email, static files without collectstatic."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105 - test settings only; production refuses keys like this
DEBUG = False
ALLOWED_HOSTS = ["*"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

PORTAL_DEMO_ACCOUNTS = False
WHITENOISE_AUTOREFRESH = True
