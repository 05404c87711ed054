"""The database engine on the cases both engines must agree on (``shared_results``)."""

import pytest
from django.core.cache import cache

from search.engines.database import DatabaseEngine
from search.results import Query
from tests.search.shared_results import build_pages, check

pytestmark = pytest.mark.django_db


def test_the_database_engine_gives_the_shared_results(learning_index):
    build_pages(learning_index)
    cache.clear()  # the spelling dictionary is cached; build it from these pages
    assert check(DatabaseEngine(), Query) == []
