import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portfolio import views
from portfolio.base.security import password_reset_request
from portfolio.donate import donate_redirect

urlpatterns = [
    # No /django-admin/: nothing needs Django's admin, and one login page is one to guard.
    # Wagtail's password-reset form, throttled like the login (portfolio/base/security.py).
    path("admin/password_reset/", password_reset_request),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("donate/", donate_redirect, name="donate"),
]

if settings.DEBUG or (settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/")):
    # Local use only: in production, media comes from S3 or a web server (README).
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "portfolio.views.server_error"
