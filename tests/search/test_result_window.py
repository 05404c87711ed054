"""Paging stops where the engine stops: Elasticsearch fetches no further than 10,000 hits.

The service is replaced by one returning what the Elasticsearch engine
returns for 50,000 matches (``num_pages`` limited by the result window), so
the page's links and note are checked without a cluster.
"""

import re

import pytest

from search import service
from search.results import Query, Results

pytestmark = pytest.mark.django_db


@pytest.fixture
def fifty_thousand_results(monkeypatch):
    def query(text, filters=None, sort="relevance", page=1, *, user=None, per_page=10, autocorrect=True):
        asked = Query(text=text, filters=filters or {}, page=min(page, 1000), per_page=per_page)
        return Results(query=asked, hits=[], total=50_000, facets={}, num_pages=1000)

    monkeypatch.setattr(service, "query", query)


def page_links(html):
    return [int(number) for number in re.findall(r'aria-label="Page (\d+)"', html)]


def test_the_page_links_stop_at_the_engines_last_page_and_say_why(client, fifty_thousand_results):
    html = client.get("/search/?q=care&page=999").content.decode()
    assert max(page_links(html)) == 1000
    assert "page 999 of 1000" in html
    assert "Only the first 10,000 results can be shown. Add words or choose filters to narrow your search." in html

    last = client.get("/search/?q=care&page=1000").content.decode()
    assert max(page_links(last)) == 1000
    assert 'rel="next"' not in last


def test_no_note_when_every_result_can_be_reached(client, learning_index):
    from learning.factories import LearningNotePageFactory

    LearningNotePageFactory(parent=learning_index, title="Falls at night")
    html = client.get("/search/?q=falls").content.decode()
    assert "results can be shown" not in html
