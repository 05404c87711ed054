"""No answer from the search engine turns a page into an error.

Fault injection: ``ELASTICSEARCH_URL`` points at ``es_fault_server.FaultServer``
on 127.0.0.1, which answers every request as a failing cluster would (429,
401, 403, a 200 from something that is not Elasticsearch, a 400, a missing
index). These tests prove what the portal does with such answers; they say
nothing about how Elasticsearch searches (that is ``test_es_live.py``).
"""

import json
import logging

import pytest

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.home.factories import StandardPageFactory
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from portal.updates.factories import UpdatePageFactory
from search import service
from search.elasticsearch import health
from search.models import SearchEngineStatus
from tests.helpers import card_titles
from tests.search.es_fault_server import FAILURES

pytestmark = pytest.mark.django_db

TAGGING = {"settings": ["care-homes"], "safety_domains": ["past-harm"], "tags": ["falls"]}


@pytest.fixture
def notes(learning_index):
    return [
        LearningNotePageFactory(parent=learning_index, title="Night zephyr rounds", **TAGGING),
        LearningNotePageFactory(parent=learning_index, title="Night quokka trolley", **TAGGING),
    ]


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_every_kind_of_failing_answer_falls_back_to_the_database_and_is_logged(fault_server, failure, notes, caplog):
    fault_server.answer = FAILURES[failure]
    with caplog.at_level(logging.WARNING, logger="search.service"):
        results = service.query("zephyr")
        suggestions = service.suggest("night")
        related = service.related(notes[0])
    assert results.degraded
    assert [hit.title for hit in results.hits] == ["Night zephyr rounds"]
    assert {item["title"] for item in suggestions} == {"Night zephyr rounds", "Night quokka trolley"}
    assert [hit.title for hit in related] == ["Night quokka trolley"]
    # Elasticsearch was asked each time, and each refusal was logged.
    assert len(fault_server.paths()) >= 3
    messages = [record.getMessage() for record in caplog.records if record.name == "search.service"]
    assert len(messages) == 3
    assert all("answering from DatabaseEngine" in message for message in messages)


@pytest.mark.parametrize(
    ("failure", "described"),
    [
        ("429", "HTTP 429 circuit_breaking_exception: [parent] Data too large"),
        ("401", "HTTP 401 security_exception: unable to authenticate with provided credentials"),
        ("403", "HTTP 403 security_exception: action [indices:data/read/search] is unauthorized"),
        ("200-not-elasticsearch", "UnsupportedProductError"),
        ("400", "HTTP 400 illegal_argument_exception: Fielddata is disabled on [settings.slug]"),
    ],
)
def test_the_last_error_is_kept_for_search_health(fault_server, failure, described, notes, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    fault_server.answer = FAILURES[failure]
    service.query("zephyr")
    status = SearchEngineStatus.objects.get()
    assert status.failing_since is not None
    assert described in status.last_error
    with pytest.raises(CommandError):
        call_command("search_health")
    assert f"Last error seen by the site: {status.last_error_at:%Y-%m-%d %H:%M}" in capsys.readouterr().out


def test_a_page_type_that_errors_in_the_engines_own_parsing_falls_back_too(fault_server, notes):
    """A 200 with the product header but a body that is not a search response (a proxy, a different API)."""
    from tests.search.es_fault_server import PRODUCT, Answer

    fault_server.answer = Answer(200, {"acknowledged": True}, PRODUCT)
    results = service.query("zephyr")
    assert results.degraded and [hit.title for hit in results.hits] == ["Night zephyr rounds"]


# Done when: every public page answers 200 from the database engine ---------------------


@pytest.fixture
def site(home, navigation, case_study_index, learning_index, peer_visit_index, update_index):
    pages = {
        "case study": CaseStudyPageFactory(parent=case_study_index, title="Falls case study", **TAGGING),
        "learning note": LearningNotePageFactory(parent=learning_index, title="Falls learning note", **TAGGING),
        "peer visit": PeerVisitReportPageFactory(parent=peer_visit_index, title="Falls peer visit", **TAGGING),
        "update": UpdatePageFactory(parent=update_index, title="Falls update", **TAGGING),
    }
    roadmap = RoadmapPageFactory(parent=home)
    measure = MeasureFactory(slug="falls-rate", settings=["care-homes"], data_points=10)
    about = StandardPageFactory(parent=home)
    indexes = [case_study_index, learning_index, peer_visit_index, update_index]
    return {"pages": pages, "indexes": indexes, "roadmap": roadmap, "measure": measure, "about": about}


def public_urls(site):
    return [
        "/",
        *(index.url for index in site["indexes"]),
        *(index.url + "?setting=care-homes&tag=falls" for index in site["indexes"]),
        site["about"].url,
        "/settings/",
        "/settings/care-homes/",
        "/domains/",
        "/domains/past-harm/",
        site["roadmap"].url,
        "/roadmap/milestones/",
        "/roadmap/dashboard/",
        "/roadmap/measures/",
        f"/roadmap/measures/{site['measure'].slug}/",
        "/feeds/knowledge/rss/",
        "/sitemap.xml",
        "/api/v2/pages/",
    ]


@pytest.mark.parametrize("failure", ["429", "401", "200-not-elasticsearch"])
def test_with_the_cluster_failing_every_public_page_search_and_suggestion_answers_200(
    client, fault_server, failure, site
):
    fault_server.answer = FAILURES[failure]
    wrong = []
    for url in public_urls(site):
        response = client.get(url)
        if response.status_code != 200:
            wrong.append((url, response.status_code))
    assert not wrong

    # Knowledge pages: their related learning came from the database after Elasticsearch refused.
    for page in site["pages"].values():
        html = client.get(page.url).content.decode()
        assert "Related learning" in html, page.url
        others = [other.title for other in site["pages"].values() if other is not page]
        assert any(f">{title}</a>" in html for title in others), page.url
    assert any("_search" in path for path in fault_server.paths("POST"))

    all_titles = sorted(page.title for page in site["pages"].values())
    for url in ("/search/?q=falls", "/search/?q=falls&setting=care-homes&domain=past-harm&tag=falls&type=update"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Results may be incomplete right now" in response.content.decode()
        expected = ["Falls update"] if "type=update" in url else all_titles
        assert sorted(card_titles(response)) == expected, url
    filters_only = client.get("/search/?setting=care-homes")
    assert filters_only.status_code == 200 and sorted(card_titles(filters_only)) == all_titles

    suggest = client.get("/search/suggest/?q=fall")
    assert suggest.status_code == 200
    assert sorted(item["title"] for item in json.loads(suggest.content)["results"]) == all_titles


def test_a_successful_answer_does_not_touch_the_status_row_when_nothing_failed(fault_server):
    health.note_success()
    assert not SearchEngineStatus.objects.exists()
