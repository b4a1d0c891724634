"""Tests that read the demo content: one load of it for this whole package.

Loading the demo content takes 10-20 s (pages, revisions, drawn images, search
documents). Each module here used to load it for itself, once per xdist worker that
ran it; now the first test of the package on a worker loads it, inside a transaction
rolled back after the package's last test there, and every test runs in its own
savepoint (pytest-django's ``db``), so what a test changes is gone before the next.
The tests of this package sit together in the collection, so a worker runs them in
one stretch and loads the content once.
"""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.browser.conftest import demo_urls
from tests.helpers.shared_data import restore_migrated_state


@pytest.fixture(scope="package")
def demo_content(django_db_setup, django_db_blocker):
    """One `load_demo_content` run: its ``output`` and the ``urls`` of each public page
    type (tests/browser/conftest.py's `demo_urls`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migrated_state()
        out = StringIO()
        call_command("load_demo_content", stdout=out)
        yield SimpleNamespace(output=out.getvalue(), urls=demo_urls())
        transaction.set_rollback(True)
