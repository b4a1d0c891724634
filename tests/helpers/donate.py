"""Shared fixtures and helpers of the donate tests (tests/portfolio/test_donate*.py):
a site whose Site settings list three donation pages, and a check that a response is
a safe redirect to one of them with the expected UTM parameters."""

from urllib.parse import parse_qs, urlsplit

DEFAULT = "https://donate.example.org/give"
# An appeal page whose own query string must survive, and whose stale UTM tag must not.
BONE = "https://donate.example.org/appeals/bone?fund=bone-research&utm_source=newsletter"
OTHER = "https://give.example.com/research"
ALLOWED = (DEFAULT, BONE, OTHER)
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


def _base(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc, parts.path)


ALLOWED_BASES = {_base(url) for url in ALLOWED}


def get_donate(client, query="", **extra):
    """GET /donate/ with this exact, already-encoded query string."""
    return client.get("/donate/", QUERY_STRING=query, **extra)


def assert_safe_redirect(response, *, destination, campaign="general", content=None):
    assert response.status_code == 302, response.content[:200]
    location = response["Location"]
    for char in "\r\n\t \\":
        assert char not in location, f"{char!r} in Location {location!r}"
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) in ALLOWED_BASES, location
    assert (parts.scheme, parts.netloc, parts.path) == _base(destination), location
    assert "evil" not in location.lower()

    query = parse_qs(parts.query, keep_blank_values=True)
    for key, values in parse_qs(urlsplit(destination).query).items():
        if not key.startswith("utm_"):
            assert query.get(key) == values, f"{key} lost from {location}"
    assert query["utm_source"] == ["research-portfolio"]
    assert query["utm_medium"] == ["website"]
    assert query["utm_campaign"] == [campaign]
    if content:
        assert query["utm_content"] == [content]
    else:
        assert "utm_content" not in query
    for key in UTM_KEYS:
        assert len(query.get(key, [])) <= 1, f"{key} repeated in {location}"

    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control or "no-cache" in cache_control, cache_control
    return location
