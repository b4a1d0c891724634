"""deploy/backup.sh and deploy/restore.sh: a backup restored into a fresh, empty database
(and an empty media folder) holds the same pages, revisions, images and donate counts."""

import datetime
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from portfolio.models import DonateClick
from tests.portfolio.factories import ImageFactory, StandardPageFactory, build_site_tree

BASE_DIR = Path(__file__).resolve().parents[2]
BACKUP = BASE_DIR / "deploy" / "backup.sh"
RESTORE = BASE_DIR / "deploy" / "restore.sh"

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump backups are for PostgreSQL (run with DATABASE_URL=postgres://...)",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")),
        reason="PostgreSQL client tools missing (apt-get install postgresql-client)",
    ),
]


def database_url(name):
    params = connection.settings_dict
    user = quote(params.get("USER") or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def run(script, *args, **env):
    return subprocess.run(  # noqa: S603 - the project's own scripts
        ["/bin/sh", str(script), *map(str, args)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def psql(url, sql):
    result = subprocess.run(  # noqa: S603
        ["psql", f"--dbname={url}", "--tuples-only", "--no-align", "--command", sql],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin_url = database_url(connection.settings_dict["NAME"])
    psql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        psql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


def snapshot(url):
    """What must survive: page titles and paths, revisions, images, donate counts."""
    return {
        "pages": psql(url, "SELECT string_agg(path || ' ' || title, '|' ORDER BY path) "
                      "FROM wagtailcore_page"),
        "revisions": psql(url, "SELECT count(*) FROM wagtailcore_revision"),
        "images": psql(url, "SELECT string_agg(title || ' ' || file, '|' ORDER BY id) "
                       "FROM wagtailimages_image"),
        "donate clicks": psql(url, "SELECT sum(clicks) || '/' || count(*) "
                              "FROM portfolio_donateclick"),
    }  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_a_fresh_database(tmp_path, fresh_database):
    tree = build_site_tree()
    image = ImageFactory(title="Cells under a microscope")
    page = StandardPageFactory(title="About secondary breast cancer", parent=tree.home)
    page.save_revision().publish()
    page.title = "About secondary breast cancer (draft)"
    page.save_revision()
    day = datetime.date(2025, 3, 1)
    for theme_day in range(3):
        for _ in range(theme_day + 2):
            DonateClick.record(
                date=day + datetime.timedelta(days=theme_day),
                page=page,
                theme=None,
                destination="https://donate.example.org/give",
            )
    expected_clicks = DonateClick.objects.aggregate(total=Sum("clicks"))["total"]
    assert expected_clicks == 2 + 3 + 4

    source_url = database_url(connection.settings_dict["NAME"])
    backup_dir = tmp_path / "backup"
    result = run(BACKUP, backup_dir, DATABASE_URL=source_url, MEDIA_ROOT=settings.MEDIA_ROOT)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in backup_dir.iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "SHA256SUMS",
    }

    restored_media = tmp_path / "media"
    result = run(RESTORE, backup_dir, DATABASE_URL=fresh_database, MEDIA_ROOT=restored_media)
    assert result.returncode == 0, result.stderr

    before, after = snapshot(source_url), snapshot(fresh_database)
    assert after == before
    assert "About secondary breast cancer" in after["pages"]
    assert int(after["revisions"]) >= 2
    assert after["donate clicks"] == f"{expected_clicks}/3"
    # The image's file came back, byte for byte.
    original = Path(settings.MEDIA_ROOT) / image.file.name
    assert (restored_media / image.file.name).read_bytes() == original.read_bytes()

    # A second restore into the now non-empty database is refused, and changes nothing.
    result = run(RESTORE, backup_dir, DATABASE_URL=fresh_database, MEDIA_ROOT=tmp_path / "m2")
    assert result.returncode != 0
    assert "already has" in result.stderr
    assert snapshot(fresh_database) == before


def test_restore_refuses_a_damaged_backup(tmp_path, fresh_database):
    backup_dir = tmp_path / "backup"
    backup_dir.mkdir()
    (backup_dir / "database.dump").write_bytes(b"not a dump")
    (backup_dir / "SHA256SUMS").write_text("0" * 64 + "  database.dump\n")
    result = run(RESTORE, backup_dir, DATABASE_URL=fresh_database, MEDIA_ROOT=tmp_path / "m")
    assert result.returncode != 0
    assert "do not match" in result.stderr
    assert psql(fresh_database, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == "0"


def test_backup_refuses_a_non_empty_folder(tmp_path, db):
    (tmp_path / "old").write_text("an older backup")
    result = run(BACKUP, tmp_path, DATABASE_URL=database_url(connection.settings_dict["NAME"]))
    assert result.returncode != 0
    assert "not empty" in result.stderr
