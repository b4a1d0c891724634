from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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


class ResearchGroup(SnippetViewSetGroup):
    menu_label = "Research data"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (ThemeViewSet, ResearcherViewSet, InstitutionViewSet, QuoteViewSet, AchievementViewSet)


register_snippet(ResearchGroup)
