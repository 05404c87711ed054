"""Compress responses as deploy/nginx/portal.conf does in front of production.

nginx gzips every proxied response of 1,024 bytes or more whose type is HTML (always compressed
when ``gzip on``) or one of the conf's ``gzip_types``. Without this the Lighthouse server sends
pages uncompressed, which no visitor to the production site gets. Static files are already
compressed by WhiteNoise and carry ``Content-Encoding``, which Django's middleware leaves alone.
"""

from django.middleware.gzip import GZipMiddleware

# deploy/nginx/portal.conf: gzip_types, plus text/html, which nginx always compresses.
NGINX_GZIP_TYPES = {
    "text/html",
    "text/css",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
}
NGINX_GZIP_MIN_LENGTH = 1024


class NginxGzipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in NGINX_GZIP_TYPES:
            return response
        if not response.streaming and len(response.content) < NGINX_GZIP_MIN_LENGTH:
            return response
        return super().process_response(request, response)
