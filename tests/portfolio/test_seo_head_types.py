"""What search engines and social networks read in each page type's head: the canonical
link, Open Graph and Twitter tags and JSON-LD, with and without the site's default
share image (heads as pages change: test_seo_head.py).

The site (``seo_site``) is built once for the module; every test only reads it, and
the one change a test makes (the default share image) is rolled back after it.
"""

import json

import pytest

from portfolio.models import SiteSettings
from tests.helpers.seo import (
    ROOT,
    assert_no_empty_values,
    assert_share_rendition,
    big_image,
    head,
    json_ld,
    meta,
    of_type,
)

pytestmark = pytest.mark.usefixtures("fresh_cache", "seo_site_for_module")


# --- Head metadata of every page type -------------------------------------------------------


def page_cases(site):
    """(path, expected canonical, description, og:type, own share image, breadcrumb trail)."""
    home = f"{ROOT}/"
    research = f"{ROOT}/research/"
    stories = f"{ROOT}/stories/"
    project_url = f"{ROOT}{site.project.url}"
    return {
        "home": ("/", home, site.home.listing_summary, "website", None, []),
        "research-index": (
            "/research/",
            research,
            site.research.listing_summary,
            "website",
            None,
            [("Home", home), ("Research", research)],
        ),
        "project": (
            site.project.url,
            project_url,
            "How dormant cancer cells survive in the bone marrow.",
            "website",
            site.project.listing_image,
            [("Home", home), ("Research", research), (site.project.title, project_url)],
        ),
        "theme": (
            "/research/themes/bone/",
            f"{ROOT}/research/themes/bone/",
            site.theme.short_description,
            "website",
            site.theme.listing_image,
            [
                ("Home", home),
                ("Research", research),
                ("Spread to the bone", f"{ROOT}/research/themes/bone/"),
            ],
        ),
        "researcher": (
            f"/research/researchers/{site.lead.slug}/",
            f"{ROOT}/research/researchers/{site.lead.slug}/",
            "Professor of molecular cell biology, Institute of Cancer Research",
            "website",
            site.lead.photo,
            [
                ("Home", home),
                ("Research", research),
                ("Professor Clare Isacke", f"{ROOT}/research/researchers/{site.lead.slug}/"),
            ],
        ),
        "institution": (
            f"/research/institutions/{site.institution.slug}/",
            f"{ROOT}/research/institutions/{site.institution.slug}/",
            "Research funded at Institute of Cancer Research, London.",
            "website",
            None,
            [
                ("Home", home),
                ("Research", research),
                (
                    "Institute of Cancer Research",
                    f"{ROOT}/research/institutions/{site.institution.slug}/",
                ),
            ],
        ),
        "achievements": (
            site.achievements.url,
            f"{ROOT}{site.achievements.url}",
            site.achievements.listing_summary,
            "website",
            None,
            [
                ("Home", home),
                ("Research", research),
                ("Achievements", f"{ROOT}{site.achievements.url}"),
            ],
        ),
        "story-index": (
            "/stories/",
            stories,
            site.stories.listing_summary,
            "website",
            None,
            [("Home", home), ("Stories", stories)],
        ),
        "story": (
            site.story.url,
            f"{ROOT}{site.story.url}",
            site.story.intro,
            "article",
            site.story.hero_image,
            [("Home", home), ("Stories", stories), (site.story.title, f"{ROOT}{site.story.url}")],
        ),
        "strategy": (
            site.strategy.url,
            f"{ROOT}{site.strategy.url}",
            site.strategy.listing_summary,
            "website",
            None,
            [("Home", home), ("Our strategy", f"{ROOT}{site.strategy.url}")],
        ),
        "standard": (
            site.standard.url,
            f"{ROOT}{site.standard.url}",
            site.standard.listing_summary,
            "website",
            None,
            [("Home", home), ("Accessibility", f"{ROOT}{site.standard.url}")],
        ),
    }


PAGE_TYPES = [
    "home",
    "research-index",
    "project",
    "theme",
    "researcher",
    "institution",
    "achievements",
    "story-index",
    "story",
    "strategy",
    "standard",
]


@pytest.mark.parametrize("default_image", [True, False], ids=["site-image", "no-site-image"])
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_head_metadata(seo_site, client, page_type, default_image):
    # The module's settings object is shared: change a copy of it.
    settings = SiteSettings.objects.get(pk=seo_site.settings.pk)
    if default_image:
        settings.default_share_image = big_image(description="The charity's logo")
        settings.save()
    path, canonical, description, og_type, own_image, crumbs = page_cases(seo_site)[page_type]
    # A tracking parameter must not leak into the canonical URL.
    soup = head(client, path, QUERY_STRING="utm_source=newsletter", HTTP_HOST="evil.example")

    links = soup.select('link[rel="canonical"]')
    assert len(links) == 1, f"{len(links)} canonical links"
    assert links[0]["href"] == canonical
    assert meta(soup, "og:url") == canonical
    assert meta(soup, "og:title")
    assert soup.title.get_text().startswith(meta(soup, "og:title"))
    assert meta(soup, "description") == description
    assert meta(soup, "og:description") == description
    assert meta(soup, "og:type") == og_type
    assert meta(soup, "og:site_name") == "Breast Cancer Now"

    image = meta(soup, "og:image")
    if own_image is not None or default_image:
        assert image, "no og:image although the page or site has an image"
        rendition = assert_share_rendition(image)
        expected_image = own_image or settings.default_share_image
        assert rendition.image_id == expected_image.pk
        assert meta(soup, "og:image:width") == "1200"
        assert meta(soup, "og:image:height") == "630"
        assert meta(soup, "og:image:alt") == expected_image.description
        assert meta(soup, "twitter:card") == "summary_large_image"
    else:
        assert image is None
        assert meta(soup, "twitter:card") == "summary"

    graph = json_ld(soup)
    for item in graph:
        assert_no_empty_values(item)
    assert "evil.example" not in json.dumps(graph)
    trail = of_type(graph, "BreadcrumbList")
    if crumbs:
        elements = trail["itemListElement"]
        assert [e["position"] for e in elements] == list(range(1, len(crumbs) + 1))
        assert [(e["name"], e["item"]) for e in elements] == crumbs
        assert all(e["@type"] == "ListItem" for e in elements)
        assert elements[-1]["item"] == canonical
    else:
        assert trail is None
