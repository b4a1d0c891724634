"""Routable pages hand each route over to a function in their app's views module.

Why: the page model declares its URLs (Wagtail's `RoutablePageMixin` needs the
`@path` methods on the class), but what a route does (filtering, exports, feeds)
depends on the models, so a model that imported it would close an import cycle.
The page names its views module as a dotted path, Django's own convention for
late binding (`ROOT_URLCONF`, `handler404`), and each route body is one line:

    @path("at-a-glance/", name="charts")
    def charts_route(self, request):
        return self.hand_over("charts", request)

The view is `<module>.<name>(page, request, *args, **kwargs)` and returns a
response. `import_string` resolves it from `sys.modules` after the first call, so
handing over costs a dictionary lookup.
"""

from django.utils.module_loading import import_string


class RouteViewsMixin:
    """For a `RoutablePageMixin` page: `route_views_module` names its views module."""

    route_views_module = ""

    def hand_over(self, view_name, request, *args, **kwargs):
        """Call `<route_views_module>.<view_name>(self, request, *args, **kwargs)`.

        Raises ImportError if the module or function doesn't exist: a programming
        error caught by the route tests, never by a visitor's input."""
        view = import_string(f"{self.route_views_module}.{view_name}")
        return view(self, request, *args, **kwargs)
