from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from portfolio.templatetags.seo_tags import site_root_url


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": site_root_url(request) + reverse("sitemap")},
        content_type="text/plain; charset=utf-8",
    )
