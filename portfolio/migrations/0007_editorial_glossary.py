# Editors and moderators look after the glossary too: the groups are set again to
# exactly the permissions in portfolio/editorial.py, which now lists the glossary.

from django.db import migrations


def setup_editorial(apps, schema_editor):
    """Run against this migration's historical models; safe to run again."""
    from portfolio.editorial import setup_editorial

    setup_editorial(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('portfolio', '0006_ambition_and_priority_themes'),
        ('research', '0004_glossary'),
    ]

    operations = [
        migrations.RunPython(setup_editorial, migrations.RunPython.noop),
    ]
