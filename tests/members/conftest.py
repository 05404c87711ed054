import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-in attempts in the cache; each test starts from none."""
    cache.clear()
    yield
    cache.clear()
