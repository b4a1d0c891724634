from django.utils.functional import SimpleLazyObject

from .chrome import get_chrome


def chrome(request):
    """`chrome` in every template: the cached header, footer and charity details."""
    return {"chrome": SimpleLazyObject(lambda: get_chrome(request))}
