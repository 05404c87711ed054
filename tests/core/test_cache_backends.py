"""The Redis cache, against a real redis-server, and the site when Redis is down."""

import logging

import pytest
import redis
from django.core.cache import cache

from learning.factories import LearningNotePageFactory
from tests.servers import free_port, redis_url  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "portal.core.cache_backends.FaultTolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def note(learning_index):
    return LearningNotePageFactory(
        parent=learning_index,
        title="Night checks cut falls",
        settings=["care-homes"],
        safety_domains=["past-harm"],
    )


@pytest.mark.servers
def test_pages_are_kept_in_redis_and_purged_when_content_is_published(client, settings, redis_url, note):  # noqa: F811
    settings.CACHES = redis_cache(redis_url)
    settings.PORTAL_PAGE_CACHE = True

    assert client.get(note.url)["X-Page-Cache"] == "miss"
    assert client.get(note.url)["X-Page-Cache"] == "hit"
    stored = redis.Redis.from_url(redis_url).keys("portal-test:*pagecache*night-checks-cut-falls*")
    assert len(stored) == 1

    note.title = "Hourly night checks cut falls"
    note.save_revision().publish()
    response = client.get(note.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Hourly night checks cut falls" in response.content.decode()


def test_when_redis_cannot_be_reached_pages_are_served_uncached_with_a_warning(client, settings, note, caplog):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    settings.PORTAL_PAGE_CACHE = True

    with caplog.at_level(logging.WARNING, logger="portal.core.cache_backends"):
        first = client.get(note.url)
        second = client.get(note.url)
    for response in (first, second):
        assert response.status_code == 200
        assert "Night checks cut falls" in response.content.decode()
        assert response["X-Page-Cache"] == "miss"
    assert any("Cache unavailable" in record.getMessage() for record in caplog.records)
    assert cache.get("anything") is None


def test_when_redis_is_down_sign_in_still_answers_with_the_form_error(client, settings, home):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    response = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in" in html
    assert "nhsuk-error-summary" in html
    assert 'value="nobody@example.org"' in html  # what they typed is kept
