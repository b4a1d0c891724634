"""Wagtail's redirects, keeping the visitor's query string.

Wagtail's `RedirectMiddleware` answers a 404 whose path has a redirect with
that redirect's target alone: `/research/old-slug/?utm_source=newsletter`
goes to `/research/new-slug/`, and the charity's campaign tracking (and any
listing filter in the address) is lost. It has been reported upstream for
years (wagtail/wagtail "Redirects should preserve query string"); this
subclass carries the query string over instead, in one place.

Rules:

- A redirect whose old path includes a query string (editors can enter one to
  send one particular address somewhere) matched on the whole address: the
  target is used as entered, nothing is added.
- Otherwise the request's parameters are appended to the target's. A
  parameter the target already has keeps the target's value.
- Only the query of the target changes, never its scheme, host or path, so
  the destinations stay exactly those editors entered: no open redirect. The
  parameters are re-encoded from the parsed query (`QueryDict.urlencode`), so
  no raw byte of the request reaches the Location header.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect


def with_query(location, request):
    """`location` with the request's query parameters added after its own."""
    parts = urlsplit(location)
    own = parse_qsl(parts.query, keep_blank_values=True)
    own_keys = {key for key, _ in own}
    added = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in own_keys
        for value in values
    ]
    if not added:
        return location
    return urlunsplit(parts._replace(query=urlencode(own + added)))


class QueryStringRedirectMiddleware(RedirectMiddleware):
    """`wagtail.contrib.redirects.middleware.RedirectMiddleware`, keeping the query string
    (see the module docstring). Use it in MIDDLEWARE in place of Wagtail's."""

    def process_response(self, request, response):
        original_status = response.status_code
        response = super().process_response(request, response)
        if (
            original_status != 404
            or response.status_code not in (301, 302)
            or not request.GET
            or self._matched_with_query(request)
        ):
            return response
        response["Location"] = with_query(response["Location"], request)
        return response

    @staticmethod
    def _matched_with_query(request):
        """Whether a redirect's old path matched the address including its query string."""
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        return "?" in path and get_redirect(request, path) is not None
