from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .glossary_models import GlossaryTerm
from .models import Achievement, Institution, Quote, Researcher, Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "home"
    list_display = ["name", "city", "region", "org_id"]
    list_filter = ["region"]
    search_fields = ["name", "city"]


class ResearcherViewSet(SnippetViewSet):
    model = Researcher
    icon = "user"
    list_display = ["full_name", "role", "institution"]
    search_fields = ["first_name", "last_name"]


class QuoteViewSet(SnippetViewSet):
    model = Quote
    icon = "openquote"
    list_display = ["__str__", "researcher", "show_on_home"]
    list_filter = ["show_on_home"]


class AchievementViewSet(SnippetViewSet):
    model = Achievement
    icon = "trophy"
    list_display = ["title", "kind", "date"]
    list_filter = ["kind"]


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = "Glossary"
    list_display = ["term", "slug", "aliases"]
    list_filter = ["themes"]
    search_fields = ["term", "aliases"]


class ResearchGroup(SnippetViewSetGroup):
    menu_label = "Research data"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        ThemeViewSet,
        ResearcherViewSet,
        InstitutionViewSet,
        QuoteViewSet,
        AchievementViewSet,
        GlossaryTermViewSet,
    )


register_snippet(ResearchGroup)
