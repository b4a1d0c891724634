"""Reading one value of a 360Giving file as spreadsheets write it: dates and amounts.

Shared by `checking` (which stores the values) and `schema` (which validates a copy of each
grant with these spreadsheet forms written the standard's way).
"""

import datetime
import json
import re
from calendar import monthrange
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from research.open_data.giving360.identifiers import MAX_AMOUNT


def show_value(value):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(value, *, end=False, partial=False):
    """A date from ISO, ISO date-time or DD/MM/YYYY (or DD-MM-YYYY) text; None if not one."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", value):
            return datetime.datetime.fromisoformat(value).date()
        uk = re.fullmatch(
            r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?", value
        )
        if uk:  # as UK spreadsheets write a date, with or without a time ("01/04/2021 00:00")
            day, _, month, year = uk.groups()
            return datetime.date(int(year), int(month), int(day))
        if partial and re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = map(int, value.split("-"))
            return datetime.date(year, month, monthrange(year, month)[1] if end else 1)
        if partial and re.fullmatch(r"\d{4}", value):
            return datetime.date(int(value), 12, 31) if end else datetime.date(int(value), 1, 1)
    except ValueError:
        return None
    return None


def read_number(text):
    """A Decimal from a number as a spreadsheet cell writes it ("£ 1,500.50"), or None."""
    text = text.strip()
    text = text[1:].lstrip() if text.startswith("£") else text  # "£1500", "£ 1500"
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_amount(value):
    """A non-negative amount in pounds, to the penny; (amount, problem)."""
    amount = None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = None
    elif isinstance(value, str):
        amount = read_number(value)
    if amount is None or not amount.is_finite():
        return None, f"not a number ({show_value(value)})"
    if amount < 0:
        return None, f"must not be negative ({show_value(value)})"
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount > MAX_AMOUNT:
        return None, f"too large ({show_value(value)})"
    return amount, None
