"""Rules the research models enforce: what editors may enter, and what readers are shown.

Most of these are data-quality promises to the public: a project's status
comes from its dates, a trial number links to the right registry, every
publication can be found, and theme/researcher/institution addresses never
change behind a reader's back.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from research.models import (
    Institution,
    ProjectOutput,
    ProjectStatus,
    Quote,
    Researcher,
    ResearchProjectPage,
    Theme,
    slug_validator,
)
from tests.research.factories import (
    InstitutionFactory,
    QuoteFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

JAN_1 = datetime.date(2024, 1, 1)
DEC_31 = datetime.date(2024, 12, 31)


# --- Project status ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "day", "expected"),
    [
        (JAN_1, DEC_31, datetime.date(2023, 12, 31), ProjectStatus.NOT_STARTED),
        (JAN_1, DEC_31, JAN_1, ProjectStatus.ACTIVE),
        (JAN_1, DEC_31, datetime.date(2024, 6, 1), ProjectStatus.ACTIVE),
        (JAN_1, DEC_31, DEC_31, ProjectStatus.ACTIVE),
        (JAN_1, DEC_31, datetime.date(2025, 1, 1), ProjectStatus.COMPLETED),
        (JAN_1, None, datetime.date(2023, 6, 1), ProjectStatus.NOT_STARTED),
        (JAN_1, None, datetime.date(2030, 6, 1), ProjectStatus.ACTIVE),
        (None, DEC_31, datetime.date(2020, 6, 1), ProjectStatus.ACTIVE),
        (None, DEC_31, datetime.date(2025, 6, 1), ProjectStatus.COMPLETED),
        (None, None, datetime.date(2024, 6, 1), None),
    ],
)
def test_status_follows_the_dates(start, end, day, expected):
    project = ResearchProjectPage(start_date=start, end_date=end)
    assert project.status_on(day) == expected


def test_status_and_label_use_today():
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    cases = [
        (today + year, None, ProjectStatus.NOT_STARTED, "Not started"),
        (today - year, today + year, ProjectStatus.ACTIVE, "Active"),
        (today - 2 * year, today - year, ProjectStatus.COMPLETED, "Completed"),
        (None, None, None, ""),
    ]
    for start, end, status, label in cases:
        project = ResearchProjectPage(start_date=start, end_date=end)
        assert (project.status, project.status_label) == (status, label)


@pytest.mark.django_db
def test_end_date_before_start_date_is_refused():
    project = ResearchProjectPageFactory()
    project.start_date = datetime.date(2024, 4, 1)
    project.end_date = datetime.date(2024, 3, 31)
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "end_date" in excinfo.value.message_dict


@pytest.mark.django_db
def test_one_day_project_is_allowed():
    project = ResearchProjectPageFactory(start_date=JAN_1, end_date=JAN_1)
    project.full_clean()


# --- Trial registration -----------------------------------------------------------


@pytest.mark.parametrize(
    ("registration", "url"),
    [
        ("ISRCTN12345678", "https://www.isrctn.com/ISRCTN12345678"),
        ("NCT01234567", "https://clinicaltrials.gov/study/NCT01234567"),
        ("", ""),
    ],
)
def test_trial_registration_links_to_its_registry(registration, url):
    assert ResearchProjectPage(trial_registration=registration).trial_registration_url == url


@pytest.mark.django_db
@pytest.mark.parametrize("registration", ["ISRCTN12345678", "NCT01234567", ""])
def test_valid_trial_registrations_are_accepted(registration):
    project = ResearchProjectPageFactory(trial_registration=registration)
    project.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "registration",
    [
        "ISRCTN1234567",  # seven digits
        "NCT012345678",  # nine digits
        "isrctn12345678",  # lower case
        "ISRCTN 12345678",
        "EudraCT 2020-001234-56",
        "https://www.isrctn.com/ISRCTN12345678",
    ],
)
def test_invalid_trial_registrations_are_refused(registration):
    project = ResearchProjectPageFactory()
    project.trial_registration = registration
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "trial_registration" in excinfo.value.message_dict


# --- Project outputs ----------------------------------------------------------------


@pytest.fixture
def project(db):
    return ResearchProjectPageFactory()


def output(project, **kwargs):
    return ProjectOutput(project=project, title="A paper", **kwargs)


def test_output_needs_a_doi_a_pmid_or_a_web_address(project):
    with pytest.raises(ValidationError, match="a DOI, a PubMed id or a web address"):
        output(project).full_clean()


def test_output_with_doi_links_to_doi_org(project):
    paper = output(project, doi="10.1038/s41586-020-1234-5")
    paper.full_clean()
    assert paper.url == "https://doi.org/10.1038/s41586-020-1234-5"


def test_output_with_pmid_links_to_pubmed(project):
    paper = output(project, pmid="31234567")
    paper.full_clean()
    assert paper.url == "https://pubmed.ncbi.nlm.nih.gov/31234567/"


def test_doi_wins_when_both_are_given(project):
    paper = output(project, doi="10.1038/s41586-020-1234-5", pmid="31234567")
    paper.full_clean()
    assert paper.url == "https://doi.org/10.1038/s41586-020-1234-5"


@pytest.mark.parametrize(
    "pasted",
    [
        "https://doi.org/10.1038/s41586-020-1234-5",
        "http://dx.doi.org/10.1038/s41586-020-1234-5",
        "HTTPS://DOI.ORG/10.1038/s41586-020-1234-5",
        "doi:10.1038/s41586-020-1234-5",
        "  10.1038/s41586-020-1234-5  ",
    ],
)
def test_pasted_doi_link_is_normalised(project, pasted):
    """Editors paste DOI links from journal pages; the bare DOI is what is stored."""
    paper = output(project, doi=pasted)
    paper.full_clean()
    assert paper.doi == "10.1038/s41586-020-1234-5"
    assert paper.url == "https://doi.org/10.1038/s41586-020-1234-5"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", "not a doi"),
        ("doi", "10.1/x"),  # registrant codes have at least four digits
        ("doi", "https://example.org/10.1038/x"),
        ("pmid", "PMID31234567"),
        ("pmid", "1234567890"),
    ],
)
def test_malformed_identifiers_are_refused(project, field, value):
    with pytest.raises(ValidationError) as excinfo:
        output(project, **{field: value}).full_clean()
    assert field in excinfo.value.message_dict


# --- Stable slugs -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "name_field"),
    [(ThemeFactory, "name"), (InstitutionFactory, "name")],
)
class TestStableSlug:
    """Public addresses are built from these slugs, so they are made once and then kept."""

    def test_slug_is_made_from_the_name(self, factory, name_field):
        obj = factory(**{name_field: "Liquid Biopsy & Blood Tests"})
        assert obj.slug == "liquid-biopsy-blood-tests"

    def test_renaming_keeps_the_slug(self, factory, name_field):
        obj = factory(**{name_field: "Bone metastasis"})
        setattr(obj, name_field, "Secondary breast cancer in the bone")
        obj.save()
        obj.refresh_from_db()
        assert obj.slug == "bone-metastasis"

    def test_clashing_names_get_a_numbered_suffix(self, factory, name_field):
        first = factory(**{name_field: "Bone"})
        second = factory(**{name_field: "Bone!"})
        third = factory(**{name_field: "BONE?"})
        assert [first.slug, second.slug, third.slug] == ["bone", "bone-2", "bone-3"]

    def test_editors_may_change_the_slug(self, factory, name_field):
        obj = factory(**{name_field: "Bone"})
        obj.slug = "bone-secondaries"
        obj.full_clean()
        obj.save()
        obj.refresh_from_db()
        assert obj.slug == "bone-secondaries"

    def test_cleared_slug_is_made_again_from_the_current_name(self, factory, name_field):
        obj = factory(**{name_field: "Old name"})
        setattr(obj, name_field, "New name")
        obj.slug = ""
        obj.save()
        assert obj.slug == "new-name"

    def test_a_name_without_letters_still_gets_a_slug(self, factory, name_field):
        obj = factory(**{name_field: "乳腺癌"})
        assert obj.slug == "item"
        obj.full_clean()


@pytest.mark.django_db
def test_researcher_slug_leaves_out_the_title_and_survives_a_new_one():
    """A promotion from Dr to Professor must not move the researcher's page."""
    researcher = ResearcherFactory(title="Dr", first_name="Jane", last_name="Doe")
    assert researcher.slug == "jane-doe"
    researcher.title = "Professor"
    researcher.last_name = "Doe-Smith"
    researcher.save()
    researcher.refresh_from_db()
    assert researcher.slug == "jane-doe"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        # slugify gives 69 letters, a hyphen, then more: the 70-character cut ends on the hyphen.
        "A" * 69 + " Breast Cancer Research Centre",
        "Centre for HER2_positive disease",  # slugify keeps underscores
        "Ménière-style Café Research Institute, Genève",
    ],
)
def test_generated_slug_always_passes_the_slug_validator(name):
    """A slug the model makes itself must be one the edit form accepts back.

    Otherwise the next editor to open the snippet cannot save it without
    first inventing a new slug, which changes its public address.
    """
    institution = InstitutionFactory(name=name)
    slug_validator(institution.slug)
    institution.full_clean()


@pytest.mark.parametrize("slug", ["bone", "liquid-biopsy", "her2-positive", "trial-2024"])
def test_slug_validator_accepts_simple_slugs(slug):
    slug_validator(slug)


@pytest.mark.parametrize(
    "slug", ["Bone", "liquid--biopsy", "-bone", "bone-", "her2_positive", "café"]
)
def test_slug_validator_refuses_untidy_slugs(slug):
    with pytest.raises(ValidationError):
        slug_validator(slug)


# --- Institution org-id ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "org_id", ["GB-CHC-1160558", "GB-EDU-133786", "GB-COH-01234567", "GB-SC-SC012345", ""]
)
def test_org_id_accepts_org_id_guide_identifiers(org_id):
    InstitutionFactory(org_id=org_id).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "org_id", ["gb-chc-1160558", "GB-CHC", "1160558", "GB CHC 1160558", "GB-CHC-1160558 "]
)
def test_org_id_refuses_other_text(org_id):
    institution = InstitutionFactory()
    institution.org_id = org_id
    with pytest.raises(ValidationError) as excinfo:
        institution.full_clean()
    assert "org_id" in excinfo.value.message_dict


# --- Quotes and researchers ----------------------------------------------------------


@pytest.mark.django_db
def test_quote_needs_a_researcher_or_an_attribution():
    quote = Quote(text="Words without a speaker.")
    with pytest.raises(ValidationError) as excinfo:
        quote.full_clean()
    assert "attribution" in excinfo.value.message_dict


@pytest.mark.django_db
def test_quote_from_a_researcher_names_them_and_their_place():
    researcher = ResearcherFactory(
        title="Dr",
        first_name="Asha",
        last_name="Patel",
        role="Clinical lecturer",
        institution=InstitutionFactory(name="University of Leeds"),
    )
    quote = QuoteFactory(researcher=researcher)
    quote.full_clean()
    assert quote.speaker == "Dr Asha Patel"
    assert quote.speaker_role == "Clinical lecturer, University of Leeds"


@pytest.mark.django_db
def test_quote_from_anyone_else_uses_the_attribution():
    quote = QuoteFactory(
        researcher=None, attribution="A person living with secondary breast cancer"
    )
    quote.full_clean()
    assert quote.speaker == "A person living with secondary breast cancer"
    assert quote.speaker_role == ""


def test_quote_title_is_its_first_ten_words():
    assert str(Quote(text="one two three")) == "one two three"
    eleven = " ".join(str(n) for n in range(11))
    assert str(Quote(text=eleven)) == "0 1 2 3 4 5 6 7 8 9…"


def test_researcher_full_name_skips_a_missing_title():
    assert Researcher(first_name="Jo", last_name="Bloggs").full_name == "Jo Bloggs"
    assert Researcher(title="Prof", first_name="Jo", last_name="Bloggs").full_name == (
        "Prof Jo Bloggs"
    )


# --- Project conveniences ------------------------------------------------------------


@pytest.mark.django_db
def test_all_researchers_lists_the_lead_once_then_co_investigators():
    lead = ResearcherFactory()
    other = ResearcherFactory()
    project = ResearchProjectPageFactory(lead_researcher=lead, co_investigators=[lead, other])
    project = ResearchProjectPage.objects.get(pk=project.pk)
    assert project.all_researchers == [lead, other]


@pytest.mark.django_db
def test_project_themes_are_saved(project):
    themes = ThemeFactory.create_batch(2)
    saved = ResearchProjectPageFactory(themes=themes)
    assert set(ResearchProjectPage.objects.get(pk=saved.pk).themes.all()) == set(themes)


def test_theme_and_institution_previews_use_component_templates():
    assert Theme().get_preview_template(None, "") == "components/theme_preview.html"
    assert Institution().get_preview_template(None, "") == "components/institution_preview.html"
