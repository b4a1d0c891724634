"""One pagination helper for every listing.

Whatever arrives in ``?page=`` (text, zero, negatives, huge numbers), the
reader gets a real page of results: never a 404 or a 500 for a bad number.
"""

from django.core.paginator import Paginator

PAGE_PARAM = "page"
MAX_PAGE_DIGITS = 9


def page_number_from(request, param=PAGE_PARAM):
    raw = request.GET.get(param, "1").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_PAGE_DIGITS:
        return 1
    return max(int(raw), 1)


def paginate(request, object_list, per_page=12, param=PAGE_PARAM, count=None):
    """A page of `object_list`; pass `count` when it is already known, to save a query."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set it and Django never counts
    number = min(page_number_from(request, param), paginator.num_pages)
    return paginator.page(number)
