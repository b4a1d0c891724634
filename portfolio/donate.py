"""The donate redirect: count the click, then send the supporter on to an
allowed donation page with UTM parameters.

The query string can only *select* among destinations that editors put on
the allow-list in Site settings (exact match); anything else, malformed or
missing falls back to the default donation page. No address from the
request is ever used as a redirect target on its own, so there is no open
redirect.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Page

from portfolio.base.donations import allowed_donate_urls
from portfolio.base.models import SiteSettings
from portfolio.models import DonateClick
from research.models import Theme

SLUG_RE = re.compile(r"[a-z0-9-]{1,80}")
PAGE_ID_RE = re.compile(r"[0-9]{1,10}")
MAX_TO_LENGTH = 500


def _page_from(raw):
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not PAGE_ID_RE.fullmatch(raw):
        return None
    return Page.objects.live().public().filter(pk=int(raw)).first()


def _theme_from(raw):
    # fullmatch: "$" in a pattern would also accept a trailing newline.
    if not SLUG_RE.fullmatch(raw):
        return None
    return Theme.objects.filter(slug=raw).first()


def choose_destination(allowed, default, to, theme):
    """The first of: an explicitly requested allowed page, the theme's appeal
    page if allowed, the default page."""
    if to and len(to) <= MAX_TO_LENGTH and to in allowed:
        return to
    if theme is not None and theme.appeal_url in allowed:
        return theme.appeal_url
    return default


def with_utm(url, *, campaign, content):
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    query += [
        ("utm_source", "research-portfolio"),
        ("utm_medium", "website"),
        ("utm_campaign", campaign),
    ]
    if content:
        query.append(("utm_content", content))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@require_safe
@never_cache
def donate_redirect(request):
    settings = SiteSettings.for_request(request)
    allowed = allowed_donate_urls(settings)
    default = settings.donate_url if settings.donate_url in allowed else None
    if default is None:
        return HttpResponse(
            "Online donations are not available at the moment. Please try again later.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    page = _page_from(request.GET.get("from", ""))
    theme = _theme_from(request.GET.get("theme", ""))
    destination = choose_destination(allowed, default, request.GET.get("to", ""), theme)
    if request.method == "GET":  # link checkers' HEAD requests are not supporters
        DonateClick.record(
            date=timezone.localdate(), page=page, theme=theme, destination=destination
        )
    target = with_utm(
        destination,
        campaign=theme.slug if theme else "general",
        content=page.slug if page else "",
    )
    response = HttpResponseRedirect(target)
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response
