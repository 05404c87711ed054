"""Elasticsearch clients configured from settings.

Reader-facing queries get a short timeout and no retries: when the cluster is
slow or down, the search page answers from the database instead of making the
reader wait. The outbox task may run inside an editor's publish request (with
django-tasks' immediate backend), so it gets a short timeout too; what it
cannot send stays in the outbox. Only the management commands, run by someone
who expects to wait, get a long timeout and retries.
https://elasticsearch-py.readthedocs.io/en/stable/api/elasticsearch.html

Elasticsearch 8 serves HTTPS with a certificate from its own CA and asks for
credentials. ``ELASTICSEARCH_CA_CERTS`` (the CA file, e.g. the cluster's
``http_ca.crt``) or ``ELASTICSEARCH_FINGERPRINT`` (the SHA-256 fingerprint of
that CA, as Elasticsearch prints it at first start) let the client trust it;
``ELASTICSEARCH_API_KEY`` (the encoded key) or ``ELASTICSEARCH_USERNAME`` and
``ELASTICSEARCH_PASSWORD`` sign in.
https://www.elastic.co/guide/en/elasticsearch/client/python-api/8.19/connecting.html
"""

import logging
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError, UnsupportedProductError

OUTBOX_TIMEOUT = 5  # seconds; a reader's query waits settings.ELASTICSEARCH_TIMEOUT
COMMAND_TIMEOUT = 30


def query_client():
    return _client(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT, 0, connection_options())


def outbox_client():
    return _client(settings.ELASTICSEARCH_URL, OUTBOX_TIMEOUT, 0, connection_options())


def indexing_client():
    """For the management commands: bulk loads and alias swaps may take a while."""
    return _client(settings.ELASTICSEARCH_URL, COMMAND_TIMEOUT, 2, connection_options())


def connection_options():
    """The client's TLS and credential arguments from settings, as a hashable tuple of (name, value)."""
    options = {
        "ca_certs": settings.ELASTICSEARCH_CA_CERTS,
        "ssl_assert_fingerprint": settings.ELASTICSEARCH_FINGERPRINT.replace(":", "").lower(),
        "api_key": settings.ELASTICSEARCH_API_KEY,
    }
    username = settings.ELASTICSEARCH_USERNAME
    if username:
        options["basic_auth"] = (username, settings.ELASTICSEARCH_PASSWORD)
    return tuple(sorted((name, value) for name, value in options.items() if value))


@lru_cache(maxsize=8)
def _client(url, timeout, retries, options=()):
    # One client per URL, policy and credentials: the client keeps a connection pool and is thread-safe.
    return Elasticsearch(
        url, request_timeout=timeout, max_retries=retries, retry_on_timeout=retries > 0, **dict(options)
    )


def is_outage(exc):
    """True for errors that mean "the cluster cannot answer now", not "someone must act".

    Connection failures and timeouts are ``TransportError``; a 5xx answer, a
    429 (a tripped circuit breaker or a full search queue) or a missing index
    (never rebuilt) is an ``ApiError`` with that status. Anything else (401
    or 403 from credentials or privileges, a 400 from a wrongly mapped index,
    a server that is not Elasticsearch) needs someone to act. Readers are
    answered from the database either way; this only decides how loudly it is
    logged.
    """
    if isinstance(exc, UnsupportedProductError):
        return False
    if isinstance(exc, TransportError):
        return True
    return isinstance(exc, ApiError) and (exc.meta.status >= 500 or exc.meta.status in (404, 429))


def quiet_transport_logs():
    """Keep the client's own per-request and node-retry log lines out of a command's output.

    A management command reports the outcome itself in one clear sentence.
    """
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)


def safe_url(url=None):
    """The cluster's address for messages, without any user name or password in it."""
    parts = urlsplit(url if url is not None else settings.ELASTICSEARCH_URL)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def describe(exc):
    """A one-line description of an Elasticsearch error, e.g. "ConnectionError: [Errno 111] Connection refused"."""
    if isinstance(exc, UnsupportedProductError):
        return f"UnsupportedProductError: HTTP {exc.meta.status} from a server that is not Elasticsearch"
    if isinstance(exc, ApiError):
        error = exc.body.get("error") if isinstance(exc.body, dict) else None
        reason = error.get("reason") if isinstance(error, dict) else None
        return f"HTTP {exc.meta.status} {exc.message}" + (f": {reason}" if reason else "")
    root = exc
    while root.__cause__ or root.__context__:
        root = root.__cause__ or root.__context__
    detail = str(root) if root is not exc else (getattr(exc, "message", "") or str(exc))
    return f"{type(exc).__name__}: {detail}"
