"""``search_rebuild`` when the cluster fails part-way: what is deleted, what is kept, what it says.

Fault injection (``es_fault_server``): each request of the rebuild gets a
scripted answer in the shape the Elasticsearch 8 reference documents for it,
and one step fails. The server builds no index; these tests prove the
command's decisions, not Elasticsearch's behaviour (``test_es_live.py``
rebuilds against a real cluster when one is configured).
"""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learning.factories import LearningNotePageFactory
from tests.search.es_fault_server import (
    BAD_GATEWAY,
    BAD_REQUEST,
    PRODUCT,
    TOO_MANY_REQUESTS,
    Answer,
    bulk_accepted,
    es_error,
)

pytestmark = pytest.mark.django_db

OLD = "portal-knowledge-20250101-000000-000000"
NEW = r"portal-knowledge-\d{8}-\d{6}-\d{6}"
ACKNOWLEDGED = Answer(200, {"acknowledged": True}, PRODUCT)
ALIAS_MISSING = Answer(
    404,
    es_error(
        404, "aliases_not_found_exception", "aliases [portal-knowledge] missing", **{"resource.id": "portal-knowledge"}
    ),
    PRODUCT,
)


def new_index(server):
    (name,) = {
        request.path.strip("/")
        for request in server.requests
        if request.method == "PUT" and re.fullmatch("/" + NEW, request.path)
    }
    return name


def alias_on(name_of):
    return lambda server: lambda request: Answer(200, {name_of(server): {"aliases": {"portal-knowledge": {}}}}, PRODUCT)


@pytest.fixture
def cluster(fault_server, learning_index):
    """A cluster that accepts every step of a rebuild; the alias points at OLD until the swap."""
    LearningNotePageFactory(parent=learning_index, title="Night hydration rounds")
    server = fault_server
    server.answer = Answer(404, es_error(404, "not_found", "unexpected request in this test"), PRODUCT)
    server.script(
        "GET", "/", Answer(200, {"version": {"number": "8.19.0"}, "tagline": "You Know, for Search"}, PRODUCT)
    )
    server.script(
        "PUT", "/" + NEW, lambda request: Answer(200, {"acknowledged": True, "index": request.path[1:]}, PRODUCT)
    )
    server.script("PUT", "/_bulk", bulk_accepted)
    server.script("PUT", f"/{NEW}/_settings", ACKNOWLEDGED)
    server.script(
        "POST", f"/{NEW}/_refresh", Answer(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}, PRODUCT)
    )
    server.script("DELETE", f"/({NEW}|{OLD})", ACKNOWLEDGED)
    return server


def script_alias(server, *answers):
    server.scripts.insert(0, ("GET", re.compile("/_alias/portal-knowledge"), list(answers)))


def deleted(server):
    return [request.path.strip("/") for request in server.requests if request.method == "DELETE"]


def old_alias(request):
    return Answer(200, {OLD: {"aliases": {"portal-knowledge": {}}}}, PRODUCT)


def test_a_failure_after_the_swap_says_the_alias_was_switched_and_keeps_the_new_index(cluster, capsys):
    script_alias(cluster, old_alias)
    cluster.script("POST", "/_aliases", ACKNOWLEDGED)
    cluster.scripts.insert(0, ("DELETE", re.compile("/" + OLD), [TOO_MANY_REQUESTS]))
    with pytest.raises(CommandError) as raised:
        call_command("search_rebuild")
    message = str(raised.value)
    name = new_index(cluster)
    assert "The alias was not switched" not in message
    assert f"The alias portal-knowledge now points at {name}, so readers use the new index" in message
    assert f"the old index {OLD} could not be deleted; delete it by name" in message
    assert set(deleted(cluster)) == {OLD}  # tried (and retried by the client); the new index was left alone


def test_a_failed_create_deletes_the_new_index_and_says_the_alias_was_not_switched(cluster):
    cluster.scripts.insert(0, ("PUT", re.compile("/" + NEW), [TOO_MANY_REQUESTS]))
    script_alias(cluster, old_alias)
    with pytest.raises(CommandError, match="The alias was not switched; readers still use the previous index"):
        call_command("search_rebuild")
    name = new_index(cluster)
    assert set(deleted(cluster)) == {name}


def test_a_refused_swap_deletes_the_new_index(cluster):
    script_alias(cluster, old_alias)
    cluster.script("POST", "/_aliases", BAD_REQUEST)
    with pytest.raises(CommandError, match="The new index portal-knowledge-.* was deleted"):
        call_command("search_rebuild")
    assert deleted(cluster) == [new_index(cluster)]


def test_a_retried_swap_whose_first_try_succeeded_is_a_success(cluster, capsys):
    """The first answer is lost by a proxy (502, which the client retries); the retry finds the old alias gone."""
    script_alias(cluster, old_alias, alias_on(new_index)(cluster))
    cluster.script("POST", "/_aliases", BAD_GATEWAY, ALIAS_MISSING)
    call_command("search_rebuild")
    name = new_index(cluster)
    swaps = [request.json() for request in cluster.requests if request.path == "/_aliases"]
    assert len(swaps) == 2  # the first try and the client's retry
    assert swaps[0]["actions"] == [
        {"remove": {"index": OLD, "alias": "portal-knowledge", "must_exist": False}},
        {"add": {"index": name, "alias": "portal-knowledge"}},
    ]
    assert deleted(cluster) == [OLD]
    out = capsys.readouterr().out
    assert f"Switched portal-knowledge to {name} (was {OLD})." in out
    assert "Search index rebuilt: 1 page(s)" in out
