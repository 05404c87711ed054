"""Cache backends: Redis that survives Redis being down, and nginx purging.

A Redis cache that treats an unreachable server as an empty cache.

Django's own ``RedisCache`` raises when Redis is down, which would turn every
page view into a 500 because the page cache and allauth's sign-in rate limits
read the cache on every request. Here a connection error or timeout is logged
as a warning and answered as a miss (``get`` returns the default, ``set``
stores nothing, ``add`` says it stored so that lock-takers carry on), so the
site keeps serving pages, uncached, until Redis is back.

Rate limits fail open as a consequence: while Redis is down allauth counts
no failed sign-ins, so the five-in-five-minutes limit is not enforced. That
is the trade chosen over refusing every sign-in while the cache is down; the
warning in the log says it is happening. ``docs/scaling.md`` says so too.
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest

logger = logging.getLogger(__name__)


def _connection_errors():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class FaultTolerantRedisCache(RedisCache):
    def _fail_open(self, operation, default, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except _connection_errors() as error:
            logger.warning("Cache unavailable (%s failed: %s); carrying on without it", operation, error)
            return default

    def get(self, key, default=None, version=None):
        return self._fail_open("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._fail_open("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._fail_open("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as if stored: allauth takes a lock with ``add`` before counting
        # a sign-in attempt, and would answer 429 to everyone if it never got one.
        return self._fail_open("add", True, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._fail_open("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._fail_open("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._fail_open("incr", delta, key, delta, version)

    def clear(self):
        return self._fail_open("clear", False)


class NginxPurgeBackend(HTTPBackend):
    """Wagtail's HTTP purge backend, for nginx's ``proxy_cache_purge``.

    nginx answers 404 to a purge of a URL it holds no copy of, which is the
    usual answer for most of the listing and taxonomy URLs purged after a
    change; Wagtail's backend would log each one as an error. Here a 404 is
    quiet and anything else is logged as before.
    """

    def purge(self, url):
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": host, "User-Agent": "portal-frontend-cache"},
        )
        try:
            urlopen(request, timeout=5).close()  # noqa: S310 - LOCATION comes from settings
        except HTTPError as error:
            if error.code != 404:
                logger.error("Could not purge %s from the front-end cache: HTTP %d", url, error.code)
        except (URLError, OSError) as error:
            logger.error("Could not purge %s from the front-end cache: %s", url, error)
