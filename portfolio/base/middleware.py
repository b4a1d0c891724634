"""Request hygiene, for every view of the site (caching lives in cache.py)."""

from django.http import HttpResponseBadRequest


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
