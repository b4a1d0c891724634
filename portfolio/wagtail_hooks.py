from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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
