"""Answers kept until content next changes: counts and lists that read every page.

They are kept in the page cache's cache under its content generation
(``portal.core.pagecache``), so the purge that empties the page cache after a
change (``portal.core.purge``) makes them stale too.
"""

import logging

from . import pagecache

logger = logging.getLogger(__name__)

REMEMBER_SECONDS = 300


def remember(name, compute, seconds=REMEMBER_SECONDS):
    """``compute()``, kept in the cache until content next changes (or ``seconds`` pass).

    For answers that read every page (counts, the topics in use) and change
    only when content does, and for pieces of a page that are the same for
    every reader and made only of content (the footer, a breadcrumb): never
    anything personal, a CSRF token or anything from the request's query.
    The key includes the content generation, so any
    publish, unpublish, move or taxonomy change makes the next call compute
    afresh. ``name`` must say everything the answer depends on (the audience,
    the listing). Every worker sees the same generation: in Redis
    (``REDIS_URL``), or without it in files shared on the machine
    (``PORTAL_GENERATION_CACHE_ALIAS``), so a change made through one worker
    reaches the others' kept answers at once. If the cache cannot be reached,
    the answer is computed every time.
    """
    try:
        key = f"remember:{name}:{pagecache.current_generation()}"
        value = pagecache._cache().get(key)
    except Exception:  # noqa: BLE001 - an unreachable cache means computing afresh
        logger.warning("Cache unavailable; computing %s afresh", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            pagecache._cache().set(key, value, seconds)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable; %s not stored", name, exc_info=True)
    return value
