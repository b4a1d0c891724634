"""Admin report of donate clicks, so fundraisers can see which research
pages move people to give. Built on Wagtail's ReportView, which brings the
date-range filter UI and CSV/XLSX export."""

import django_filters
from django.db.models import Sum
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from portfolio.models import DonateClick
from research.models import Theme


class DonateClickFilterSet(WagtailFilterSet):
    date = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)
    theme = django_filters.ModelChoiceFilter(queryset=Theme.objects.all(), label="Theme")

    class Meta:
        model = DonateClick
        fields = ["date", "theme"]


class DonateClickReportView(ReportView):
    page_title = "Donate clicks"
    header_icon = "pick"
    filterset_class = DonateClickFilterSet
    index_url_name = "donate_click_report"
    index_results_url_name = "donate_click_report_results"
    permission_policy = ModelPermissionPolicy(DonateClick)
    any_permission_required = ["view"]
    export_filename = "donate-clicks"
    columns = [
        DateColumn("date", label="Day"),
        Column("source", label="Source page", accessor="source_title"),
        Column("theme", label="Theme", accessor="theme_name"),
        Column("destination", label="Destination"),
        Column("clicks", label="Clicks"),
    ]
    list_export = ["date", "source_title", "source_url", "theme_name", "destination", "clicks"]
    export_headings = {
        "date": "Day",
        "source_title": "Source page",
        "source_url": "Source URL",
        "theme_name": "Theme",
        "destination": "Destination",
        "clicks": "Clicks",
    }

    def get_queryset(self):
        return DonateClick.objects.select_related("page", "theme").order_by("-date", "-clicks")

    def decorate_paginated_queryset(self, object_list):
        for row in object_list:
            row.source_title = row.page.title if row.page else "(unknown or removed page)"
            row.source_url = row.page.url if row.page else ""
            row.theme_name = row.theme.name if row.theme else ""
        return object_list

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Exports cover every filtered row, not one page of them.
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(list(self.object_list)), spreadsheet_format
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total_clicks"] = self.object_list.aggregate(total=Sum("clicks"))["total"] or 0
        return context
