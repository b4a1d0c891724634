from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "portfolio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the signals that keep the cached header and footer fresh.
        from portfolio.base import chrome  # noqa: F401
        from portfolio.base.forms import register_text_cleaning
        from portfolio.base.spreadsheets import protect_wagtail_exports

        # No admin CSV/XLSX export writes a spreadsheet formula (portfolio/base/spreadsheets.py).
        protect_wagtail_exports()
        # Every admin form field and StreamField removes control characters (base/text.py).
        register_text_cleaning()
