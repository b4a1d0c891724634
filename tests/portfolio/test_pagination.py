"""`paginate()` turns whatever arrives in `?page=` into a real page of results.

Crawlers, old links and people editing the address bar send anything; a
listing must answer with a page, never a 404 or a 500.
"""

import pytest
from django.test import RequestFactory

from portfolio.base.pagination import MAX_PAGE_DIGITS, paginate

ITEMS = list(range(30))  # 3 pages of 12, the last one short
LAST = 3


def page_for(query):
    request = RequestFactory().get("/listing/", query)
    return paginate(request, ITEMS, per_page=12)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc", 1),
        ("0", 1),
        ("-3", 1),
        ("", 1),
        ("   ", 1),
        ("2.5", 1),
        ("1e3", 1),
        ("0x2", 1),
        ("99999", LAST),
        (" 2 ", 2),
        ("2", 2),
        ("3", 3),
    ],
)
def test_any_page_parameter_gives_a_real_page(raw, expected):
    page = page_for({"page": raw})
    assert page.number == expected
    assert len(page.object_list) > 0


def test_missing_parameter_is_the_first_page():
    assert page_for({}).number == 1


def test_very_long_number_gives_the_first_or_the_last_page():
    """More digits than any real listing needs: either end is acceptable, an error is not."""
    raw = "1" + "0" * MAX_PAGE_DIGITS  # 10 digits
    assert page_for({"page": raw}).number in {1, LAST}


@pytest.mark.parametrize(
    "raw",
    [
        "²",  # superscript two: str.isdigit() is True, int() refuses it
        "①",  # circled one: the same trap
        "٣",  # Arabic-Indic three: int() accepts it
        "1\x00",
        "9" * 400,
    ],
)
def test_unusual_digits_never_raise(raw):
    page = page_for({"page": raw})
    assert 1 <= page.number <= LAST


def test_empty_listing_still_has_a_first_page():
    request = RequestFactory().get("/listing/", {"page": "5"})
    page = paginate(request, [], per_page=12)
    assert page.number == 1
    assert list(page.object_list) == []


def test_custom_parameter_name():
    request = RequestFactory().get("/listing/", {"p": "2", "page": "3"})
    assert paginate(request, ITEMS, per_page=12, param="p").number == 2
