"""The story authors' snippet admin (stories themselves are pages: see test_page_tree)."""

from tests.snippet_admin import DraftSnippetAdminContract
from tests.stories.factories import AuthorFactory


class TestAuthorAdmin(DraftSnippetAdminContract):
    factory = AuthorFactory
    field, new_value = "role", "Senior research communications officer"
