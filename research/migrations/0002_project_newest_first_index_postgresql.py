"""A PostgreSQL index for the listing's default order, newest award first.

The listing sorts by ``award_date DESC NULLS LAST, page_ptr_id DESC``. PostgreSQL
can read a page of that order straight off a matching index instead of sorting
every live project; the plain ``award_date`` index does not match because of
NULLS LAST. SQLite cannot declare NULLS LAST in an index (and sorts NULLs last in
descending order anyway), so the index is created on PostgreSQL only; the model's
Meta does not declare it, which keeps ``makemigrations --check`` quiet on both.
"""

from django.db import migrations

INDEX = "research_project_newest_first"
TABLE = "research_researchprojectpage"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            f"ON {TABLE} (award_date DESC NULLS LAST, page_ptr_id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("research", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
