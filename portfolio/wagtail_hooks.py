from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.userbar import ContentCheckerItem

from portfolio.base.readability_panel import readability_view
from portfolio.models import DonateClick
from portfolio.reports import DonateClickReportView


@hooks.register("register_admin_urls")
def register_donate_report_urls():
    return [
        path("reports/donate-clicks/", DonateClickReportView.as_view(), name="donate_click_report"),
        path(
            "reports/donate-clicks/results/",
            DonateClickReportView.as_view(results_only=True),
            name="donate_click_report_results",
        ),
    ]


class DonateReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(f"portfolio.view_{DonateClick._meta.model_name}")


@hooks.register("register_reports_menu_item")
def register_donate_report_menu_item():
    return DonateReportMenuItem(
        "Donate clicks", reverse("donate_click_report"), icon_name="pick", order=700
    )


# Editorial: readability scores and the accessibility checker --------------------


@hooks.register("register_admin_urls")
def register_readability_urls():
    return [path("readability/", readability_view, name="portfolio_readability")]


@hooks.register("insert_editor_js")
def readability_editor_js():
    return format_html('<script src="{}" defer></script>', static("js/admin/readability.js"))


class FullContentCheckerItem(ContentCheckerItem):
    """Wagtail's content checker with every axe-core rule on, not only its short list.

    Wagtail checks ten rules by default (empty headings, link text, alt text
    quality...); with `axe_run_only = None` axe runs all its non-experimental
    rules (WCAG 2.0-2.2 A and AA, and best practices such as landmarks), the
    same standard as the site's browser tests, plus Wagtail's own alt-text
    and meta-description checks. Subclassing `ContentCheckerItem`, not the
    deprecated `AccessibilityItem`, which warns in Wagtail 8."""

    axe_run_only = None


@hooks.register("construct_wagtail_userbar")
def check_all_accessibility_rules(request, items, page):
    """Swap the checker in the userbar and in the editor's Checks panel for the full one."""
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, FullContentCheckerItem):
            items[index] = FullContentCheckerItem(in_editor=item.in_editor)
