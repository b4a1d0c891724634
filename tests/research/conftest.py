import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.helpers.listing import make_catalogue
from tests.helpers.shared_data import shared_fixtures
from tests.portfolio.factories import SiteSettingsFactory, build_site_tree
from tests.research.factories import (
    InstitutionFactory,
    ProjectOutputFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)


@pytest.fixture
def site_tree(db):
    """Home page as the default site's root, with /research/ and /stories/ under it."""
    return build_site_tree()


@pytest.fixture
def portfolio(site_tree):
    """Three published projects with themes, institutions and publications."""
    bone = ThemeFactory(name="Bone metastasis")
    brain = ThemeFactory(name="Brain metastasis")
    leeds = InstitutionFactory(
        name="University of Leeds", city="Leeds", region="yorkshire", org_id="GB-EDU-133786"
    )
    no_id = InstitutionFactory(name="Example Cancer Institute", city="Sutton", website="")
    SiteSettingsFactory(charity_name="Breast Cancer Now")
    first = ResearchProjectPageFactory(
        title="Stopping breast cancer spreading to the bone",
        lay_summary="<p>Cancer that <b>spreads</b> to bone &amp; hurts.</p><p>Second part.</p>",
        institution=leeds,
        themes=[bone, brain],
        award_amount=Decimal("249999.50"),
    )
    ProjectOutputFactory(
        project=first, title="Bone paper", journal="Nature", year=2023, doi="10.1038/xyz-1"
    )
    ProjectOutputFactory(
        project=first, title="PubMed only", journal="", year=None, doi="", pmid="31234567"
    )
    second = ResearchProjectPageFactory(
        title="Brain metastasis trial",
        institution=no_id,
        themes=[brain],
        start_date=None,
        end_date=datetime.date(2027, 1, 31),
    )
    third = ResearchProjectPageFactory(title="No themes here", institution=leeds)
    for page in (first, second, third):
        page.save_revision().publish()
    return {"projects": [first, second, third], "themes": [bone, brain], "site": site_tree}


@pytest.fixture
def existing_content(site_tree):
    theme = ThemeFactory()
    for _ in range(2):
        ResearchProjectPageFactory(themes=[theme])
    return site_tree


@pytest.fixture
def today():
    return timezone.localdate()


def _catalogue_of_today(site_tree):
    return make_catalogue(site_tree, timezone.localdate())


catalogue, catalogue_for_module = shared_fixtures(
    "catalogue",
    _catalogue_of_today,
    "tests/helpers/listing.py's ``make_catalogue``: five projects whose every count is known.",
)
