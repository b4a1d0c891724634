"""Data built once for a module instead of once per test.

Data sets that take a second or more to build (``donate_site``, ``seo_site``, the
research listing's ``catalogue``) can be built once per module instead of once per
test: a module whose tests only read the objects says
``pytestmark = pytest.mark.usefixtures("NAME_for_module")``, and then ``NAME`` gives
every test of the module the same objects. The module's data lives in a transaction
rolled back after the module; each test still runs in a savepoint of its own
(``db``), so what a test writes is gone before the next. The objects themselves are
shared, so a module whose tests change them in memory (test_seo_head.py) builds them
afresh; and so does a test that needs a site without them (it lives in another
module).
"""

from contextlib import contextmanager

import pytest
from django.db import transaction

from tests.portfolio.factories import build_site_tree


def shared_fixtures(name, build, doc):
    """The fixtures ``name`` and ``name_for_module`` for ``build(site_tree)``'s data.

    ``name`` builds the data for each test, unless the module asked for
    ``name_for_module``, which builds it once for the module. Assign both to module
    names, as pytest finds fixtures there:
    ``thirty, thirty_for_module = shared_fixtures("thirty", build_thirty, "...")``.
    """

    def per_test(request, db):
        return for_module_or_fresh(request, build)

    def for_module(django_db_setup, django_db_blocker):
        with built_for_module(django_db_blocker, build) as data:
            yield data

    per_test.__doc__ = doc
    for_module.__doc__ = f"``{name}`` once for the module."
    return (
        pytest.fixture(name=name)(per_test),
        pytest.fixture(name=f"{name}_for_module", scope="module")(for_module),
    )


def for_module_or_fresh(request, build):
    """The module's ``NAME_for_module`` data if the module asked for it, else
    ``build(site_tree)`` for this test (NAME is the requesting fixture's name)."""
    shared = f"{request.fixturename}_for_module"
    if shared in request.fixturenames:
        return request.getfixturevalue(shared)
    return build(request.getfixturevalue("site_tree"))


@contextmanager
def built_for_module(django_db_blocker, build):
    """``build(site_tree)`` in a transaction that is rolled back on exit. A module-scoped
    fixture is set up before any test's ``db`` savepoint, so the savepoints nest in it."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migrated_state()
        yield build(build_site_tree())
        transaction.set_rollback(True)


def restore_migrated_state():
    """Bring back the rows migrations made (Wagtail's root page, locale, default site)
    if a transactional test flushed them. pytest-django runs such tests after the
    ordinary ones and before the tests that use no database, so a module whose
    database-free tests come first on a worker builds its data after a flush."""
    from django.db import connection
    from wagtail.models import Page

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents and not Page.objects.filter(depth=1).exists():
        connection.creation.deserialize_db_from_string(contents)
