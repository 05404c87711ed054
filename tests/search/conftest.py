"""Fixtures for the search tests: a loopback server that answers as a failing cluster would, and pages."""

import pytest
from wagtail.signals import page_published

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.updates.factories import UpdatePageFactory
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


@pytest.fixture
def one_page_of_each_type(learning_index, case_study_index, peer_visit_index, update_index):
    """A live page of every knowledge type, with settings or domains and two topic tags each."""
    made = [
        LearningNotePageFactory(parent=learning_index, settings=["care-homes"], safety_domains=["past-harm"]),
        CaseStudyPageFactory(parent=case_study_index, settings=["acute-hospital", "care-homes"]),
        PeerVisitReportPageFactory(parent=peer_visit_index, safety_domains=["reliability"]),
        UpdatePageFactory(parent=update_index, settings=["mental-health"]),
    ]
    for number, page in enumerate(made):
        page.tags.set([f"topic {number}", "falls"])
        page.save_revision().publish()
    return made
