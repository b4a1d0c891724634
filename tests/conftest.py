import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached site chrome or renditions from a
    rolled-back test could otherwise describe rows that no longer exist."""
    cache.clear()
    yield
    cache.clear()
