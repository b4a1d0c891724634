from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Story authors"
    list_display = ["name", "role"]
    search_fields = ["name"]


register_snippet(AuthorViewSet)
