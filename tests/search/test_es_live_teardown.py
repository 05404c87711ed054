"""The live tests' clean-up deletes each index by its exact name (runs without a cluster).

Elasticsearch 8 refuses ``DELETE /name-*`` by default
(``action.destructive_requires_name: true``). The loopback server answers
the listing with two indices, as ``GET /<pattern>`` does, and acknowledges
deletes; the test checks what was asked of it.
"""

import re

import pytest

from search.elasticsearch.client import indexing_client
from tests.search.es_fault_server import PRODUCT, Answer
from tests.search.test_es_live import delete_our_indices

ALIAS = "test-portal-knowledge-0a1b2c3d"


@pytest.mark.django_db
def test_the_live_tests_delete_their_indices_one_exact_name_at_a_time(fault_server):
    listing = {f"{ALIAS}-20260101-000000-000000": {}, f"{ALIAS}-20260101-000100-000000": {}}
    fault_server.script("GET", re.escape(f"/{ALIAS}*"), Answer(200, listing, PRODUCT))
    fault_server.script("DELETE", f"/{ALIAS}-.*", Answer(200, {"acknowledged": True}, PRODUCT))
    delete_our_indices(indexing_client(), ALIAS)
    deletes = fault_server.paths("DELETE")
    assert sorted(path.strip("/") for path in deletes) == sorted(listing)
    assert not any("*" in path for path in deletes)
