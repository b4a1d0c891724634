"""What search engines and social networks read in a page's head: the canonical link,
Open Graph and Twitter tags and JSON-LD, as pages change (each page type's head:
test_seo_head_types.py; the sitemap and robots.txt: test_seo.py).
"""

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
