"""Fixtures for the search tests: a loopback server that answers as a failing cluster would."""

import pytest
from wagtail.signals import page_published

from search.elasticsearch import health, signals
from tests.search.es_fault_server import FaultServer


@pytest.fixture(autouse=True)
def _no_remembered_cluster_state():
    """Each test starts as a process that has not yet heard from Elasticsearch."""
    health.forget()
    yield
    health.forget()


@pytest.fixture
def fault_server(settings):
    """A server on 127.0.0.1 answering 429 to everything until told otherwise; ELASTICSEARCH_URL points at it."""
    server = FaultServer().start()
    settings.ELASTICSEARCH_URL = server.url
    yield server
    server.stop()


def _handlers_connected():
    return any(key[0] == "search.elasticsearch.on_page_published.any" for key, *_rest in page_published.receivers)


@pytest.fixture
def es_signals():
    """The page signal handlers, as ``SearchConfig.ready`` connects them when ELASTICSEARCH_URL is set."""
    connected_before = _handlers_connected()
    signals.connect()
    yield
    if not connected_before:
        signals.disconnect()
