"""What search engines and social networks read in each page type's head: the canonical
link, Open Graph and Twitter tags and JSON-LD (the sitemap and robots.txt: test_seo.py).
"""

import json
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.utils.html import strip_tags
from wagtail.models import Page

from tests.helpers.seo import (
    ROOT,
    SOCIAL,
    assert_no_empty_values,
    assert_share_rendition,
    big_image,
    head,
    json_ld,
    meta,
    of_type,
    rendition_for,
)
from tests.portfolio.factories import (
    ImageFactory,
)
from tests.research.factories import (
    ResearchProjectPageFactory,
)
from tests.stories.factories import StoryPageFactory

pytestmark = pytest.mark.usefixtures("fresh_cache")


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
    if default_image:
        seo_site.settings.default_share_image = big_image(description="The charity's logo")
        seo_site.settings.save()
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
        expected_image = own_image or seo_site.settings.default_share_image
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


def test_meta_description_prefers_the_search_description(seo_site, client):
    project = seo_site.project
    project.search_description = "An editor's description for search engines."
    project.listing_summary = "A card summary."
    project.save()
    soup = head(client, project.url)
    assert meta(soup, "description") == "An editor's description for search engines."
    project.search_description = ""
    project.save()
    assert meta(head(client, project.url), "description") == "A card summary."


def test_canonical_of_later_listing_pages_keeps_the_page_number(seo_site, client):
    StoryPageFactory.create_batch(13)
    soup = head(client, "/stories/", QUERY_STRING="page=2&utm_source=x")
    assert soup.select_one('link[rel="canonical"]')["href"] == f"{ROOT}/stories/?page=2"


def test_home_json_ld_is_the_charity(seo_site, client):
    graph = json_ld(head(client, "/"))
    assert len(graph) == 1
    (ngo,) = graph
    assert ngo == {
        "@type": "NGO",
        "@id": f"{ROOT}/#organization",
        "name": "Breast Cancer Now",
        "url": f"{ROOT}/",
        "logo": f"{ROOT}/static/img/logo.png",
        "identifier": "Registered charity in England (1160558)",
        "sameAs": [SOCIAL["facebook_url"], SOCIAL["x_url"]],
        "potentialAction": {"@type": "DonateAction", "target": "https://donate.example.org/give"},
    }
    assert finders.find("img/logo.png"), "the logo URL points at a real file"


def test_project_json_ld_uses_the_projects_real_values(seo_site, client):
    project = seo_site.project
    graph = json_ld(head(client, project.url))
    ngo = of_type(graph, "NGO")
    research = of_type(graph, "ResearchProject")
    url = f"{ROOT}{project.url}"
    assert research["name"] == project.title
    assert research["url"] == url
    assert research["description"] == strip_tags(project.lay_summary)
    assert research["foundingDate"] == project.start_date.isoformat()
    assert research["dissolutionDate"] == project.end_date.isoformat()
    assert research["parentOrganization"] == {
        "@type": "Organization",
        "name": "Institute of Cancer Research",
        "url": seo_site.institution.website,
    }
    assert research["member"] == [
        {
            "@type": "Person",
            "name": "Professor Clare Isacke",
            "jobTitle": "Professor of molecular cell biology",
        },
        {"@type": "Person", "name": "Dr Sam Jones"},
    ]
    grant = research["funding"]
    assert grant["@type"] == "MonetaryGrant"
    assert grant["funder"] == {"@id": ngo["@id"]}, "the funder is the charity"
    assert grant["fundedItem"] == {"@id": research["@id"]}
    assert grant["identifier"] == "2023-MAY-PR-101"
    assert grant["amount"] == {"@type": "MonetaryAmount", "currency": "GBP", "value": 212345.67}
    assert Decimal(str(grant["amount"]["value"])) == project.award_amount


def test_project_json_ld_leaves_out_what_the_project_lacks(seo_site, client):
    project = ResearchProjectPageFactory(
        title="A project with few details",
        lead_researcher=None,
        institution=None,
        award_amount=None,
        award_date=None,
        start_date=None,
        end_date=None,
        grant_reference=None,
    )
    graph = json_ld(head(client, project.url))
    for item in graph:
        assert_no_empty_values(item)
    research = of_type(graph, "ResearchProject")
    for key in ("parentOrganization", "member", "foundingDate", "dissolutionDate"):
        assert key not in research
    assert "amount" not in research["funding"]
    assert "identifier" not in research["funding"]


def test_story_json_ld_is_a_news_article(seo_site, client):
    story = seo_site.story
    soup = head(client, story.url)
    article = of_type(json_ld(soup), "NewsArticle")
    url = f"{ROOT}{story.url}"
    assert article["headline"] == story.title
    assert article["description"] == story.intro
    assert article["url"] == article["mainEntityOfPage"] == url
    assert article["datePublished"] == story.date.isoformat()
    assert article["dateModified"] == story.last_published_at.isoformat()
    assert article["author"] == [{"@type": "Person", "name": "Sam Writer"}]
    assert article["publisher"] == {"@id": f"{ROOT}/#organization"}
    assert article["image"] == meta(soup, "og:image")
    assert_share_rendition(article["image"])


def test_story_without_authors_is_by_the_charity(seo_site, client):
    story = StoryPageFactory(title="An unsigned story")
    article = of_type(json_ld(head(client, story.url)), "NewsArticle")
    assert article["author"] == {"@id": f"{ROOT}/#organization"}
    assert "image" not in article


def test_json_ld_cannot_be_broken_out_of(seo_site, client):
    story = StoryPageFactory(
        title="</script><script>alert(1)</script>", intro="Ampersand & <b>tags</b>"
    )
    soup = head(client, story.url)
    article = of_type(json_ld(soup), "NewsArticle")
    assert article["headline"] == story.title
    assert not any("alert" in (s.string or "") for s in soup.select("script:not([type])"))


def test_og_image_size_matches_a_small_image(seo_site, client):
    seo_site.story.hero_image = ImageFactory(file__width=640, file__height=480)
    seo_site.story.save()
    soup = head(client, seo_site.story.url)
    rendition = rendition_for(meta(soup, "og:image"))
    assert meta(soup, "og:image:width") == str(rendition.width)
    assert meta(soup, "og:image:height") == str(rendition.height)


def test_breadcrumbs_follow_a_renamed_ancestor_at_once(seo_site, client):
    """Breadcrumbs are cached with the site chrome: publishing must refresh them."""
    project_url = seo_site.project.url
    assert '"name":"Research"' in client.get(project_url).content.decode()
    research = Page.objects.get(pk=seo_site.research.pk).specific
    research.title = "Our research"
    research.save_revision().publish()
    html = client.get(project_url).content.decode()
    assert '"name":"Our research"' in html
    assert '"name":"Research"' not in html
