"""Production settings for the Lighthouse test's server, with what nginx would add in front.

Everything comes from ``portal.settings.production`` (hashed, compressed static files served by
WhiteNoise, ``DEBUG`` off); the test sets ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``STATIC_ROOT``,
``MEDIA_ROOT`` and ``SECURE_SSL_REDIRECT=False`` (plain HTTP on 127.0.0.1) in the environment.
The additions are what nginx does in production: serving uploaded media, and compressing pages
as deploy/nginx/portal.conf's ``gzip`` settings do (compression.py).
"""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.lighthouse.urls"
# First in the list, so it compresses the finished response, as nginx does outside the app.
MIDDLEWARE = ["tests.lighthouse.compression.NginxGzipMiddleware", *MIDDLEWARE]  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
