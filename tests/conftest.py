import pytest
from django.core.cache import cache

from portfolio.base import cache as site_cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached site chrome or renditions from a
    rolled-back test could otherwise describe rows that no longer exist."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _content_changes_apply_at_once(request, monkeypatch):
    """A content change bumps the cache's content version when its transaction
    commits. An ordinary test runs inside a transaction that is rolled back, never
    committed, so here the bump happens when the change is made, as it would
    straight after the commit. Tests that commit for real (``transactional_db``,
    live servers) keep the real ``on_commit``: tests/portfolio/test_cache.py shows
    that a rolled-back change bumps nothing there."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        yield
        return
    monkeypatch.setattr(site_cache, "_on_commit", lambda callback: callback())
    yield
