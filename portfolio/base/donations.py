"""The donate allow-list: the one check of where a donate link may send a supporter.

Why one place: a donate button is the page's most trusted link, so a typo or a
pasted look-alike address must never reach it. Editors list the donation pages
in Site settings (`SiteSettings.donate_url` and `donate_destinations`); a
theme's appeal link, a call-to-action block and the `/donate/` redirect all
accept only those, and only as absolute https:// addresses: a supporter types
card details on that page, so a plain http:// address (a downgrade anyone on
the network could read or rewrite) is refused when editors save Site settings
(`validate_destination`) and skipped if one is stored anyway (`/donate/` then
answers 503 rather than redirect to it).

`SiteSettings` is looked up through the app registry, not imported: the
settings model's StreamFields are built from portfolio/base/blocks.py, whose
call-to-action block uses this check, so an import would close a cycle.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail.models import Site

NOT_ALLOWED = "Choose a donation page from the allow-list in Site settings."
NOT_SECURE = "Use a secure https:// address with a domain name, e.g. https://example.org/donate."


#: Hosts that `settings.DONATE_LOCAL_HTTP` lets through over plain http://.
_THIS_MACHINE = frozenset({"127.0.0.1", "localhost"})


def is_safe_destination(url):
    """True for an absolute https:// address with a host (no backslash tricks).

    With ``settings.DONATE_LOCAL_HTTP`` (set by the test settings only: the browser
    tests' live server, the donation page's stand-in, speaks plain http), also an
    http:// address on this machine."""
    parts = urlsplit(url)
    if not parts.hostname or "\\" in url:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and settings.DONATE_LOCAL_HTTP and parts.hostname in _THIS_MACHINE


def validate_destination(url):
    """Raise ValidationError(NOT_SECURE) unless `url` (a str) may go on the allow-list:
    the check of Site settings' donate URL and of each extra destination."""
    if not is_safe_destination(url):
        raise ValidationError(NOT_SECURE, code="insecure")


def allowed_donate_urls(site_settings):
    """The safe addresses on `site_settings`' allow-list (default page first)."""
    return [url for url in site_settings.allowed_donate_urls if is_safe_destination(url)]


def default_site_settings():
    """The Site settings of the default site, or None before a site exists."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    return apps.get_model("portfolio", "SiteSettings").for_site(site)


def validate_donate_url(url):
    """Raise ValidationError(NOT_ALLOWED) unless `url` is on the default site's allow-list.

    For editors' forms (a theme's appeal, a call-to-action block): an empty
    `url` is valid (the default donation page is used)."""
    if not url:
        return
    site_settings = default_site_settings()
    if site_settings is None or url not in allowed_donate_urls(site_settings):
        raise ValidationError(NOT_ALLOWED)
