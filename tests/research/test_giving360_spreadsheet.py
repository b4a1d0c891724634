"""360Giving spreadsheets (flattentool), quality notices and a faithful round trip.

Each failing example of issue 12 is a test here with its right value. Real sample files are
vendored in tests/fixtures/360giving/; the template-shaped workbook is built here with
openpyxl.
"""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError

from research.models import Institution, ResearchProjectPage, Theme
from research.open_data import giving360
from tests.helpers.giving360 import (
    clean_grants,
    db_counts,
    errors,
    export,
    flatten_grants,
    run_import,
    sample,
    valid_grant,
    validators,
    write_json,
)
from tests.portfolio.factories import SiteSettingsFactory
from tests.research.factories import ResearchProjectPageFactory

OTHER_FUNDER = {"id": "GB-CHC-1015648", "name": "Andrew Lloyd Webber Foundation"}


# --- the official template, built with openpyxl -------------------------------------------

MAIN = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:City",
    "Recipient Org:Country",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Internal notes",  # not a 360Giving column
]
SHEETS = {
    "Planned Dates": [
        "Identifier",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Planned Dates:Duration (months)",
    ],
    "Classifications": [
        "Identifier",
        "Classifications:Vocabulary",
        "Classifications:Code",
        "Classifications:Title",
    ],
    "Related Document": [
        "Identifier",
        "Related Document:Identifier",
        "Related Document:Title",
        "Related Document:Web Address",
        "Related Document:Description",
    ],
    "Rec_Location": [
        "Identifier",
        "Recipient Org:Identifier",
        "Recipient Org:Location:Name",
        "Recipient Org:Location:Country Code",
        "Recipient Org:Location:Geographic Code",
    ],
}
ROWS = {
    "grants": [
        [
            "360G-bcn-T-1",
            "Why some cancers sleep",
            "Dormant cells & how they wake.",
            "GBP",
            250000,
            datetime.datetime(2023, 4, 1),
            "GB-EDU-133786",
            "University of Leeds",
            "Leeds",
            "United Kingdom",
            "GB-CHC-1160558",
            "Breast Cancer Now",
            "Catalyst Programme",
            "do not publish",
        ],
        [
            "360G-bcn-T-2",
            "A trial in Dublin",
            "A trial run with partners in Ireland.",
            "GBP",
            "£ 1500",
            "01/04/2021 00:00",
            "IE-CHY-20000001",
            "Irish Cancer Trials",
            "Dublin",
            "Ireland",
            "GB-CHC-1160558",
            "Breast Cancer Now",
            "",
            "",
        ],
    ],
    "Planned Dates": [
        ["360G-bcn-T-1", datetime.datetime(2023, 6, 1), datetime.datetime(2026, 5, 31), 36],
        ["360G-bcn-T-2", "", "", 24],
    ],
    "Classifications": [
        ["360G-bcn-T-1", "bcn-themes", "dormant_cells", "Dormant cells"],
        ["360G-bcn-T-1", "bcn-themes", "bone-metastasis", "Bone metastasis"],
    ],
    "Related Document": [
        [
            "360G-bcn-T-1",
            "doi:10.1038/s41586-023-0001",
            "Sleeping cells",
            "https://doi.org/10.1038/s41586-023-0001",
            "Nature (2024)",
        ]
    ],
    "Rec_Location": [["360G-bcn-T-1", "GB-EDU-133786", "Yorkshire", "GB", "E12000003"]],
}
SAME_AS_JSON = [
    valid_grant(
        "T-1",
        title="Why some cancers sleep",
        description="Dormant cells & how they wake.",
        amountAwarded=250000,
        awardDate="2023-04-01",
        plannedDates=[{"startDate": "2023-06-01", "endDate": "2026-05-31", "duration": 36}],
        recipientOrganization=[
            {
                "id": "GB-EDU-133786",
                "name": "University of Leeds",
                "addressLocality": "Leeds",
                "addressCountry": "United Kingdom",
                "location": [{"name": "Yorkshire", "countryCode": "GB", "geoCode": "E12000003"}],
            }
        ],
        grantProgramme=[{"title": "Catalyst Programme"}],
        classifications=[
            {"vocabulary": "bcn-themes", "code": "dormant_cells", "title": "Dormant cells"},
            {"vocabulary": "bcn-themes", "code": "bone-metastasis", "title": "Bone metastasis"},
        ],
        relatedDocument=[
            {
                "id": "doi:10.1038/s41586-023-0001",
                "title": "Sleeping cells",
                "url": "https://doi.org/10.1038/s41586-023-0001",
                "description": "Nature (2024)",
            }
        ],
    ),
    valid_grant(
        "T-2",
        title="A trial in Dublin",
        description="A trial run with partners in Ireland.",
        amountAwarded=1500,
        awardDate="2021-04-01",
        plannedDates=[{"duration": 24}],
        recipientOrganization=[
            {
                "id": "IE-CHY-20000001",
                "name": "Irish Cancer Trials",
                "addressLocality": "Dublin",
                "addressCountry": "Ireland",
            }
        ],
    ),
]


def template_workbook(path, rows=ROWS, meta=True):
    """A workbook shaped like 360Giving's official template: Meta, grants and list sheets."""
    book = openpyxl.Workbook()
    if meta:
        book.active.title = "Meta"
        for key in ("Version", "Title", "License"):
            book.active.append([key, {"Version": "1.4", "License": "CC BY 4.0"}.get(key, "Test")])
        grants = book.create_sheet("grants")
    else:
        grants = book.active
        grants.title = "grants"
    grants.append(MAIN)
    for row in rows["grants"]:
        grants.append(row)
    for name, headings in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append(headings)
        for row in rows.get(name, []):
            sheet.append(row)
    book.save(path)
    return path


@pytest.mark.django_db
def test_template_shaped_xlsx_reads_every_sheet_like_the_json(site_tree, tmp_path):
    xlsx = template_workbook(tmp_path / "grants.xlsx")
    from_xlsx, problems, _ = clean_grants(xlsx)
    assert problems == []
    from_json, problems, _ = clean_grants(
        write_json(tmp_path / "grants.json", {"grants": SAME_AS_JSON})
    )
    assert problems == []
    assert from_xlsx == from_json

    out = run_import(xlsx)
    assert "2 project(s) created" in out
    assert "Columns not used: grants: Internal notes" in out
    first = ResearchProjectPage.objects.get(grant_reference="T-1")
    assert (first.start_date, first.end_date, first.duration_months) == (
        datetime.date(2023, 6, 1),
        datetime.date(2026, 5, 31),
        36,
    )
    assert sorted(first.themes.values_list("slug", flat=True)) == [
        "bone-metastasis",
        "dormant-cells",
    ]
    assert [o.doi for o in first.outputs.all()] == ["10.1038/s41586-023-0001"]
    assert first.institution.region == "yorkshire"  # from the location's ONS code
    assert first.funding_scheme == "Catalyst Programme"  # the Grant Programme column
    assert export("T-1")["grantProgramme"] == [
        {"code": "catalyst-programme", "title": "Catalyst Programme"}
    ]
    second = ResearchProjectPage.objects.get(grant_reference="T-2")
    assert second.award_amount == Decimal("1500.00")  # "£ 1500"
    assert second.award_date == datetime.date(2021, 4, 1)  # "01/04/2021 00:00"

    before = db_counts()
    assert "0 updated, 2 unchanged" in run_import(xlsx)
    assert db_counts() == before


@pytest.mark.django_db
def test_xlsx_without_a_meta_sheet(site_tree, tmp_path):
    xlsx = template_workbook(tmp_path / "plain.xlsx", meta=False)
    assert "2 project(s) created" in run_import(xlsx)


@pytest.mark.django_db
def test_ods_written_by_flattentool_reads_like_the_json(site_tree, tmp_path):
    """An ODS spreadsheet (LibreOffice's format) in the template's layout: flattentool writes
    it from the JSON, with a sheet per list, and the import reads the same grants back."""
    source = write_json(tmp_path / "grants.json", {"grants": SAME_AS_JSON})
    ods = flatten_grants(source, tmp_path / "grants.ods", "ods")
    from_ods, problems, _ = clean_grants(ods)
    assert problems == []
    from_json, _, _ = clean_grants(source)
    assert from_ods == from_json
    assert "2 project(s) created" in run_import(ods)


@pytest.mark.django_db
def test_xlsx_schema_errors_reject_the_file_with_one_line_each(site_tree, tmp_path):
    rows = {**ROWS, "grants": [list(r) for r in ROWS["grants"]]}
    rows["grants"][0][4] = "lots"
    rows["grants"][1][3] = "USD"
    before = db_counts()
    with pytest.raises(CommandError) as raised:
        run_import(template_workbook(tmp_path / "bad.xlsx", rows=rows))
    lines = str(raised.value).splitlines()
    assert '360G-bcn-T-1: amountAwarded ("Amount Awarded" column): not a number ("lots")' in lines
    assert '360G-bcn-T-2: currency ("Currency" column): only GBP can be imported ("USD")' in lines
    assert lines[-1].startswith("Nothing was imported: 2 problem(s)")
    assert db_counts() == before


@pytest.mark.django_db
def test_real_publisher_xlsx_equals_its_json(site_tree):
    """a003W000001B7PzQAK.xlsx and the JSON 360Giving's datagetter made from it: same grants."""
    from_xlsx, problems, _ = clean_grants(sample("a003W000001B7PzQAK.xlsx"))
    assert problems == []
    from_json, _, _ = clean_grants(sample("a003W000001B7PzQAK.json"))
    assert len(from_xlsx) == 475
    assert from_xlsx == from_json
    out = run_import(sample("a003W000001B7PzQAK.xlsx"), allow_other_funders=True)
    assert "475 project(s) created" in out
    out = run_import(sample("a003W000001B7PzQAK.json"), allow_other_funders=True)
    assert "0 updated, 475 unchanged" in out


@pytest.mark.django_db
def test_fundingproviders_xlsx_equals_its_csv_and_lists_columns_not_used(site_tree):
    from_xlsx, _, _ = clean_grants(sample("fundingproviders-grants_2_grants.xlsx"))
    from_csv, _, _ = clean_grants(sample("fundingproviders_grants_2_grants.csv"))

    def without_id(grant):
        return {**vars(grant), "grant_id": None, "reference": None}

    # The two fixtures differ only in the publisher part of the ids (360Giving's own files).
    assert [without_id(g) for g in from_xlsx] == [without_id(g) for g in from_csv]
    out = run_import(sample("fundingproviders-grants_2_grants.xlsx"), allow_other_funders=True)
    assert "Columns not used: grants: Co-applicant(s)" in out
    assert "grants: Surname of applicant" in out
    page = ResearchProjectPage.objects.get(grant_reference="360G-fundingproviders-000001/X/00/X")
    assert page.duration_months == 30
    assert page.funder_name == "Funding Providers UK"


# --- each failing example of the issue ----------------------------------------------------


@pytest.mark.django_db
def test_another_funders_grant_is_refused_by_default_and_kept_when_allowed(site_tree, tmp_path):
    path = write_json(
        tmp_path / "g.json",
        {"grants": [valid_grant("F-1", id="360G-ALWF-1978", fundingOrganization=[OTHER_FUNDER])]},
    )
    before = db_counts()
    with pytest.raises(CommandError) as raised:
        run_import(path)
    assert (
        "360G-ALWF-1978: fundingOrganization[0].id: funded by Andrew Lloyd Webber Foundation "
        "(GB-CHC-1015648), not by this charity" in str(raised.value)
    )
    assert "--allow-other-funders" in str(raised.value)
    assert db_counts() == before

    run_import(path, allow_other_funders=True)
    grant = export("360G-ALWF-1978")
    assert grant["fundingOrganization"] == [OTHER_FUNDER]
    assert grant["id"] == "360G-ALWF-1978"  # not 360G-bcn-360G-ALWF-1978


@pytest.mark.django_db
def test_a_360g_id_is_not_prefixed_twice(site_tree, tmp_path, settings):
    settings.GIVING360_PREFIX = "bcn"
    foreign = "360G-fundingprovidersuk-000001/X/00/X"
    assert giving360.grant_id(foreign) == foreign
    assert giving360.grant_id("BCN-1") == "360G-bcn-BCN-1"
    run_import(write_json(tmp_path / "g.json", {"grants": [valid_grant("x", id=foreign)]}))
    assert export(foreign)["id"] == foreign


@pytest.mark.django_db
def test_duration_is_kept_and_existing_dates_are_not_wiped(site_tree, tmp_path):
    page = ResearchProjectPageFactory(
        grant_reference="D-1",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    page.save_revision().publish()
    run_import(
        write_json(
            tmp_path / "g.json",
            {"grants": [valid_grant("D-1", plannedDates=[{"duration": 24}])]},
        )
    )
    page.refresh_from_db()
    assert (page.start_date, page.end_date, page.duration_months) == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
        24,
    )
    assert export("D-1")["plannedDates"] == [
        {"startDate": "2024-01-01", "endDate": "2025-12-31", "duration": 24}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "code", "region"),
    [
        ("Ireland", "IE", "outside-uk"),
        ("Germany", "DE", "outside-uk"),
        ("USA", "US", "outside-uk"),
        ("us", "US", "outside-uk"),
        ("Scotland", "GB", "scotland"),
        ("United Kingdom", "GB", ""),
    ],
)
def test_country_names_and_codes_become_iso_codes(site_tree, tmp_path, country, code, region):
    org = {"id": "GB-CHC-1000001", "name": "Somewhere", "addressCountry": country}
    run_import(
        write_json(
            tmp_path / "g.json", {"grants": [valid_grant("C-1", recipientOrganization=[org])]}
        )
    )
    institution = Institution.objects.get(name="Somewhere")
    assert (institution.country, institution.region) == (code, region)
    if code != "GB":
        recipient = export("C-1")["recipientOrganization"][0]
        assert recipient["location"] == [{"name": recipient["addressCountry"], "countryCode": code}]


@pytest.mark.django_db
def test_org_id_is_not_lost_when_the_same_name_came_first_without_one(site_tree, tmp_path):
    no_id = {"name": "Institute of Cancer Research", "addressLocality": "London"}
    with_id = {**no_id, "id": "GB-CHC-534147"}
    grants = [
        valid_grant("O-1", recipientOrganization=[no_id]),
        valid_grant("O-2", recipientOrganization=[with_id]),
    ]
    run_import(write_json(tmp_path / "g.json", {"grants": grants}))
    institution = Institution.objects.get(name="Institute of Cancer Research")
    assert institution.org_id == "GB-CHC-534147"
    assert set(institution.projects.values_list("grant_reference", flat=True)) == {"O-1", "O-2"}
    assert export("O-1")["recipientOrganization"][0]["charityNumber"] == "534147"


@pytest.mark.django_db
def test_classification_code_with_underscore_makes_an_admin_valid_slug(site_tree, tmp_path):
    item = {"vocabulary": "x", "code": "dormant_cells", "title": "Dormant cells"}
    run_import(
        write_json(tmp_path / "g.json", {"grants": [valid_grant("S-1", classifications=[item])]})
    )
    theme = Theme.objects.get(name="Dormant cells")
    assert theme.slug == "dormant-cells"
    theme.clean_fields(exclude=["short_description"])  # the admin's slug validation accepts it


@pytest.mark.django_db
def test_five_bad_date_pairs_give_five_warnings_and_the_rest_is_imported(site_tree, tmp_path):
    backwards = [{"startDate": "2024-05-01", "endDate": "2023-01-01"}]
    grants = [valid_grant(f"Q-{n}", plannedDates=backwards if n < 5 else None) for n in range(20)]
    for grant in grants:
        if grant["plannedDates"] is None:
            del grant["plannedDates"]
    out = run_import(write_json(tmp_path / "g.json", {"grants": grants}))
    assert "20 project(s) created" in out
    notices = [line for line in out.splitlines() if "before the start date" in line]
    assert len(notices) == 5
    assert notices[0] == (
        "warning: 360G-bcn-Q-0: plannedDates[0].endDate: before the start date "
        "(2023-01-01 < 2024-05-01); the planned dates are not imported"
    )
    page = ResearchProjectPage.objects.get(grant_reference="Q-0")
    assert (page.start_date, page.end_date) == (None, None)  # never a contradictory pair


@pytest.mark.django_db
def test_quality_notices_zero_amount_and_suspicious_ids(site_tree, tmp_path):
    grants = [
        valid_grant("Z-1", amountAwarded=0),
        valid_grant(
            "Z-2",
            id="GRANT-2",
            recipientOrganization=[{"id": "GB-XYZ-123", "name": "Odd Org"}],
        ),
    ]
    out = run_import(write_json(tmp_path / "g.json", {"grants": grants}))
    assert "2 project(s) created" in out
    assert "warning: 360G-bcn-Z-1: amountAwarded: is 0; check the amount awarded" in out
    assert 'warning: GRANT-2: id: does not start with 360G- ("GRANT-2")' in out
    assert (
        "warning: GRANT-2: recipientOrganization[0].id: its prefix 'GB-XYZ' is not in the "
        'org-id.guide register ("GB-XYZ-123")' in out
    )


@pytest.mark.django_db
def test_semicolon_separated_csv(site_tree, tmp_path):
    path = tmp_path / "grants.csv"
    path.write_text(
        "Identifier;Title;Description;Currency;Amount Awarded;Award Date;"
        "Recipient Org:Identifier;Recipient Org:Name;Funding Org:Identifier;Funding Org:Name\n"
        "360G-bcn-SC-1;A title;Words;GBP;£ 1500;01/04/2021 00:00;GB-EDU-133786;Leeds Uni;"
        "GB-CHC-1160558;Breast Cancer Now\n",
        encoding="utf-8",
    )
    assert "1 project(s) created" in run_import(path)
    page = ResearchProjectPage.objects.get(grant_reference="SC-1")
    assert (page.award_amount, page.award_date) == (Decimal("1500.00"), datetime.date(2021, 4, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/04/2021 00:00", datetime.date(2021, 4, 1)),
        ("01/04/2021 13:45:10", datetime.date(2021, 4, 1)),
        ("2021-04-01T00:00:00+00:00", datetime.date(2021, 4, 1)),
        ("31/02/2021 00:00", None),
    ],
)
def test_uk_date_times(text, expected):
    assert giving360.parse_date(text) == expected


@pytest.mark.parametrize("text", ["£ 1500", "£1500", "£ 1,500", "1500"])
def test_pound_amounts(text):
    assert giving360.parse_amount(text) == (Decimal("1500.00"), None)


# --- export: usefulness ------------------------------------------------------------------


@pytest.mark.django_db
def test_export_has_no_title_as_description(site_tree):
    SiteSettingsFactory()
    page = ResearchProjectPageFactory(grant_reference="N-1")
    # Projects imported without a description have no lay summary (see test_giving360).
    ResearchProjectPage.objects.filter(pk=page.pk).update(lay_summary="", listing_summary="")
    assert "description" not in export("N-1")


@pytest.mark.django_db
def test_package_licence_and_modified_come_from_settings_and_data(site_tree):
    SiteSettingsFactory(open_data_licence_url="https://opendatacommons.org/licenses/by/1-0/")
    page = ResearchProjectPageFactory(grant_reference="M-1")
    page.save_revision().publish()
    page.refresh_from_db()
    package = giving360.build_package()
    assert package["license"] == "https://opendatacommons.org/licenses/by/1-0/"
    assert datetime.datetime.fromisoformat(package["modified"]) == page.last_published_at.replace(
        microsecond=0
    )


@pytest.mark.django_db
def test_demo_content_export_passes_the_usefulness_checks(site_tree):
    from django.core.management import call_command

    call_command("load_demo_content", stdout=io.StringIO())
    package = giving360.build_package()
    grant_validator, package_validator = validators()
    assert errors(package_validator, package) == []
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    grants = package["grants"]
    assert len(grants) >= 40
    for grant in grants:
        recipient = grant["recipientOrganization"][0]
        (place,) = grant["beneficiaryLocation"]
        if place["countryCode"] == "GB":  # ONS codes exist only for UK places
            assert place["geoCode"][:3] in ("E12", "S92", "W92", "N92"), grant["id"]
        else:
            assert recipient["addressCountry"] == place["name"] != "United Kingdom"
        assert recipient["location"], grant["id"]
        assert grant["grantProgramme"][0]["title"], grant["id"]
        prefix = recipient["id"].split("-")[:2]
        if prefix in (["GB", "CHC"], ["GB", "COH"]):
            assert recipient.get("charityNumber") or recipient.get("companyNumber"), grant["id"]


def test_every_org_id_in_the_samples_has_a_registered_prefix():
    from research.open_data.giving360 import codes

    for org_id in ("GB-CHC-1015648", "GB-COH-RC000000", "GB-SC-SC012345", "US-EIN-12", "GB-EDU-1"):
        assert codes.org_id_problem(org_id) is None, org_id
    assert codes.register_numbers("GB-COH-RC000000") == {"companyNumber": "RC000000"}
    assert codes.register_numbers("GB-EDU-133786") == {}
    assert json.loads(codes.ORG_ID_PREFIXES_PATH.read_text())["GB-CHC"]["deprecated"] is False


@pytest.mark.django_db
def test_another_funders_project_page_shows_its_funder(site_tree, tmp_path, client):
    grant = valid_grant("F-2", id="360G-ALWF-2044", fundingOrganization=[OTHER_FUNDER])
    grant["grantProgramme"] = [{"title": "Music"}]
    run_import(write_json(tmp_path / "g.json", {"grants": [grant]}), allow_other_funders=True)
    page = ResearchProjectPage.objects.get(grant_reference="360G-ALWF-2044")
    html = client.get(page.url).content.decode()
    assert "<dt>Funded by</dt><dd>Andrew Lloyd Webber Foundation</dd>" in html
    assert "<dt>Funding scheme</dt><dd>Music</dd>" in html
    assert "GB-CHC-1015648" in html  # only in the JSON-LD grant's funder


@pytest.mark.django_db
def test_existing_same_name_institution_without_org_id_is_reported(site_tree, tmp_path):
    from tests.research.factories import InstitutionFactory

    existing = InstitutionFactory(name="Institute of Cancer Research", org_id="")
    org = {"id": "GB-CHC-534147", "name": "Institute of Cancer Research"}
    grants = [valid_grant(f"E-{n}", recipientOrganization=[org]) for n in range(2)]
    out = run_import(write_json(tmp_path / "g.json", {"grants": grants}))
    assert out.count("it has no org-id in the site, the file gives GB-CHC-534147") == 1
    existing.refresh_from_db()
    assert existing.org_id == ""  # existing institutions are never changed by an import
