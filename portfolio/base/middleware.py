"""Request hygiene and CDN caching, for every view of the site."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control


class RejectNulBytesMiddleware:
    """A NUL byte in a query string is never meaningful, and PostgreSQL refuses it
    in text values (a 500 deep inside a filter). Answer 400 at the door instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
            or any("\x00" in key for key in request.GET)
        ):
            return HttpResponseBadRequest(
                "This address contains a character we can't read.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PublicCacheMiddleware:
    """Let the CDN cache what anonymous visitors see, briefly.

    Only successful GET/HEAD responses to visitors who are not signed in, that
    set no cookie and say nothing about caching themselves (the donate redirect,
    for example, says never-cache). The Wagtail admin is never cached.
    """

    EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/documents/")

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = getattr(settings, "PUBLIC_CACHE_SECONDS", 0)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            self.seconds
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Cache-Control")
            and not response.cookies
            and not request.path.startswith(self.EXCLUDED_PREFIXES)
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            patch_cache_control(response, public=True, max_age=self.seconds)
        return response
