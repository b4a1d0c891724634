import pytest

from tests.portfolio.factories import build_site_tree


@pytest.fixture
def site_tree(db):
    """Home page as the default site's root, with /research/ and /stories/ under it."""
    return build_site_tree()
