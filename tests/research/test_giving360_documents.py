"""360Giving round trip of what the standard carries beside the grant itself: related
documents that are not publications (kept by their web address), and the vocabularies of
classifications.
"""

import pytest
from django.core.exceptions import ValidationError

from research.models import ProjectOutput, ResearchProjectPage, Theme
from research.open_data import giving360
from tests.helpers.giving360 import run_import, valid_grant, write_json

REPORT = "https://example.org/reports/final-report.pdf"
DOCUMENTS = [
    {
        "id": "doi:10.1038/s41586-023-0001",
        "title": "Sleeping cells",
        "url": "https://doi.org/10.1038/s41586-023-0001",
        "description": "Nature (2024)",
    },
    {"id": "REP-1", "title": "Final report", "url": REPORT},
    {"id": "REP-2", "title": "A document with no address", "url": "see the annex"},
]


def exported(grant_id):
    return next(g for g in giving360.build_package()["grants"] if g["id"] == grant_id)


@pytest.mark.django_db
def test_other_documents_are_kept_shown_and_exported(existing_content, tmp_path, client):
    grant = valid_grant("DOC-1", relatedDocument=DOCUMENTS)
    out = run_import(write_json(tmp_path / "grants.json", {"grants": [grant]}))
    assert (
        f"warning: {grant['id']}: relatedDocument[2].url: not a web address that can be kept "
        '("see the annex"); ignored'
    ) in out
    project = ResearchProjectPage.objects.get(grant_reference="DOC-1")
    outputs = list(project.outputs.order_by("sort_order"))
    assert [(o.title, o.doi, o.pmid, o.web_address) for o in outputs] == [
        ("Sleeping cells", "10.1038/s41586-023-0001", "", ""),
        ("Final report", "", "", REPORT),
    ]

    html = client.get(project.url).content.decode()
    assert f'<a href="{REPORT}" rel="noopener">Final report</a>' in html

    documents = exported(grant["id"])["relatedDocument"]
    assert documents == [
        {
            "id": "doi:10.1038/s41586-023-0001",
            "title": "Sleeping cells",
            "url": "https://doi.org/10.1038/s41586-023-0001",
            "description": "Nature (2024)",
        },
        {"id": REPORT, "title": "Final report", "url": REPORT},
    ]
    # Re-importing the file changes nothing; a changed document is updated.
    again = tmp_path / "grants.json"
    assert "0 project(s) created, 0 updated, 1 unchanged" in run_import(again)
    grant["relatedDocument"][1]["url"] = REPORT.replace("final", "last")
    write_json(again, {"grants": [grant]})
    assert "0 project(s) created, 1 updated, 0 unchanged" in run_import(again)
    assert project.outputs.get(title="Final report").web_address.endswith("last-report.pdf")


@pytest.mark.django_db
def test_an_output_needs_a_doi_a_pubmed_id_or_a_web_address(existing_content):
    project = ResearchProjectPage.objects.first()
    output = ProjectOutput(project=project, title="Protocol")
    with pytest.raises(ValidationError, match="a web address"):
        output.full_clean()
    output.web_address = "not a link"
    with pytest.raises(ValidationError, match="web_address"):
        output.full_clean()
    output.web_address = REPORT
    output.full_clean()
    assert output.url == REPORT
    output.pmid = "31234567"
    assert output.url == "https://pubmed.ncbi.nlm.nih.gov/31234567/"


@pytest.mark.django_db
def test_classifications_keep_their_vocabulary(existing_content, tmp_path):
    ours = giving360.themes_vocabulary()
    own_theme = Theme.objects.first()
    classifications = [
        {"vocabulary": "GTIP", "code": "cancer_research", "title": "Cancer research"},
        {"vocabulary": ours, "code": "dormant_cells", "title": "Dormant cells"},
        {"vocabulary": "GTIP", "code": own_theme.slug, "title": own_theme.name},
    ]
    grant = valid_grant("VOC-1", classifications=classifications)
    path = write_json(tmp_path / "grants.json", {"grants": [grant]})
    assert "2 new theme(s)" in run_import(path)

    gtip = Theme.objects.get(name="Cancer research")
    assert (gtip.classification_vocabulary, gtip.classification_code) == (
        "GTIP",
        "cancer_research",
    )
    dormant = Theme.objects.get(slug="dormant-cells")
    assert (dormant.classification_vocabulary, dormant.classification_code) == ("", "")
    own_theme.refresh_from_db()
    assert own_theme.classification_vocabulary == ""  # an existing theme is never changed

    assert sorted(exported(grant["id"])["classifications"], key=lambda c: c["title"]) == sorted(
        [
            {"vocabulary": "GTIP", "code": "cancer_research", "title": "Cancer research"},
            {"vocabulary": ours, "code": "dormant-cells", "title": "Dormant cells"},
            {"vocabulary": ours, "code": own_theme.slug, "title": own_theme.name},
        ],
        key=lambda c: c["title"],
    )
    assert "0 project(s) created, 0 updated, 1 unchanged" in run_import(path)

    # The same code of the same vocabulary finds the theme under another title.
    renamed = {"vocabulary": "gtip", "code": "CANCER_RESEARCH", "title": "Research on cancer"}
    other = valid_grant("VOC-2", classifications=[renamed])
    out = run_import(write_json(tmp_path / "other.json", {"grants": [other]}))
    assert "0 new theme(s)" in out
    assert list(ResearchProjectPage.objects.get(grant_reference="VOC-2").themes.all()) == [gtip]
