"""Development: debug on, a throwaway key, and demo accounts allowed."""

from .base import *  # noqa: F403
from .base import os

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ["*"]

# Serve static files straight from the apps without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Only development settings may create the demo logins (see load_demo).
PORTAL_DEMO_ACCOUNTS = True

# Member accounts: emails (confirmation links, approvals) go through the
# outbox and are printed to the console, or written as files to
# EMAIL_FILE_PATH when it is set, so that a person or a browser test can open
# the links in them.
if os.environ.get("EMAIL_FILE_PATH"):
    PORTAL_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
