"""Keep the search index's body vector in its row, on PostgreSQL.

An index entry of a project is about 2.4 kB (the body's text and its vector, the
title's, the autocomplete vector): over PostgreSQL's 2 kB limit for a row, so the
largest value was moved out of line into the TOAST table, and that was the body
vector (about 1.3 kB, which does not compress). Ranking reads it for every match
(`ts_rank` over `body`, research/listing/search.py): fetched from the TOAST table,
that was most of the ranking query (17 ms for "cells", 5,800 matches among 10,000
projects, of which 2 ms to match them; 10 ms for "blood test", 2,500 matches). With
the vector's storage MAIN, PostgreSQL moves the (compressible) body text out of line
instead and the vector stays in the row: the same queries took 8.5 and 6 ms (best of
9 runs, bench/listing.py's database). Existing entries are rewritten once (the
vector concatenated with an empty one is the same vector); new ones follow the
column's storage. Nothing on other databases.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations
from django.db.models import F, Func


def _table(apps):
    return apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table


def body_inline(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(_table(apps))
    schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN "body" SET STORAGE MAIN')
    # An unchanged value keeps its out-of-line copy: write a new (equal) one.
    apps.get_model("wagtailsearch", "IndexEntry").objects.using(
        schema_editor.connection.alias
    ).update(
        body=Func(
            F("body"),
            template="(%(expressions)s || ''::tsvector)",
            output_field=SearchVectorField(),
        )
    )


def body_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(_table(apps))} "
            'ALTER COLUMN "body" SET STORAGE EXTENDED'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0009_co_investigators_label"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(body_inline, body_default)]
