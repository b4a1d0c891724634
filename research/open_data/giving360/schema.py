"""Validating each grant against the official 360Giving grant schema (JSON Schema 2020-12).

`checking` reads the fields the site stores; this module checks the whole grant, every field
the standard defines, with jsonschema and its format checker (``jsonschema[format-nongpl]``
checks ``date-time`` and ``uri``). Each error is one line naming the grant, the field path and
the value, as `checking` words its problems; any error refuses the whole file.

What the validation sees is a copy of the grant with the spreadsheet forms the importer
accepts on purpose written the standard's way first, so they are not refused twice over:

* numbers written as text, as CSV cells always are (``"1500"``, ``"£ 1,500"``), are read
  as numbers in any file, and a single object where the schema wants a list is read as a
  one-item list (as `checking` reads them);
* UK dates (``01/04/2021 00:00``) under a date field are read as ISO dates;
Errors at a field `checking` has already reported are not repeated, and neither are errors at
a field `checking` reports as a quality notice: a missing ``description`` (the site's own export
leaves it out rather than repeat the title) or a recipient without an ``id`` (matched by name)
stays a warning, as 360Giving's data quality tool draws the line.
"""

import json
from functools import cache

import jsonschema
from jsonschema.exceptions import relevance

from research.open_data.giving360 import codes
from research.open_data.giving360.values import parse_date, read_number, show_value


@cache
def grant_validator():
    """A Draft 2020-12 validator for one grant, with the format checker."""
    schema = json.loads(codes.GRANT_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _resolve(node):
    root = grant_validator().schema
    while isinstance(node, dict) and "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node if isinstance(node, dict) else {}


def _types(node):
    kind = node.get("type", [])
    return [kind] if isinstance(kind, str) else kind


def _formats(node):
    return {n.get("format") for n in [node, *node.get("oneOf", [])] if isinstance(n, dict)}


def _as_standard(value, node):
    """The grant (or part of it) with accepted spreadsheet forms written as the schema has them."""
    node = _resolve(node)
    types = _types(node)
    if isinstance(value, dict) and "array" in types:
        value = [value]
    if isinstance(value, list):
        return [_as_standard(item, node.get("items", {})) for item in value]
    if isinstance(value, dict):
        properties = node.get("properties", {})
        return {
            key: _as_standard(item, properties[key]) if key in properties else item
            for key, item in value.items()
        }
    if not isinstance(value, str):
        return value
    if "number" in types or "integer" in types:
        number = read_number(value)
        if number is None:
            return value
        return int(number) if number == number.to_integral_value() else number
    if "date-time" in _formats(node) and not _conforms(value, "date-time"):
        date = parse_date(value, partial=True)
        if date is not None:
            return date.isoformat() if "oneOf" in node else f"{date.isoformat()}T00:00:00Z"
    return value


def _conforms(value, format_name):
    return grant_validator().format_checker.conforms(value, format_name)


def _leaf_errors(error):
    """The errors worth a line: for oneOf/anyOf, those of the alternative that came closest."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        return [leaf for sub in closest for leaf in _leaf_errors(sub)]
    return [error]


def _describe(error):
    """(path, message) for one leaf error, the message ending with the value."""
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = [p for p in error.validator_value if p not in error.instance]
        return (*path, missing[0] if missing else ""), "missing (the 360Giving schema requires it)"
    value = show_value(error.instance)
    wanted = error.validator_value
    if error.validator == "type":
        message = f"not of type {' or '.join(_types({'type': wanted}))}"
    elif error.validator in ("format", "minimum"):
        message = f"not a valid {wanted}" if error.validator == "format" else f"less than {wanted}"
    else:
        message = {
            "enum": "not one of the 360Giving codes",
            "pattern": "not in the form the 360Giving schema gives",
            "oneOf": "matches more than one of the forms the 360Giving schema allows",
        }.get(error.validator, error.message[:120])
    return path, f"does not match the 360Giving schema: {message} ({value})"


def schema_errors(raw):
    """[(path, message)] for one raw grant (a dict), in document order."""
    instance = _as_standard(raw, grant_validator().schema)
    found = []
    for error in sorted(grant_validator().iter_errors(instance), key=relevance):
        found += [_describe(leaf) for leaf in _leaf_errors(error)]
    return sorted(dict.fromkeys(found), key=lambda item: [str(p) for p in item[0]])


def overlaps(path, reported):
    """Whether `path` is, contains or lies inside a path already reported."""
    return any(path[: len(other)] == other or other[: len(path)] == path for other in reported)
