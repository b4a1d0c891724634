# The Editors and Moderators groups with exactly their permissions, and the
# "Research and stories moderation" workflow; see portfolio/editorial.py.

from django.db import migrations


def setup_editorial(apps, schema_editor):
    """Run against this migration's historical models; safe to run again."""
    from portfolio.editorial import setup_editorial

    setup_editorial(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('portfolio', '0002_sitesettings_max_reading_age'),
        ('research', '0001_initial'),
        ('stories', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailadmin', '0006_formstate'),
        ('wagtailimages', '0027_image_description'),
        ('wagtaildocs', '0014_alter_document_file_size'),
    ]

    operations = [
        # Reversing leaves the groups in place: people may be members by then.
        migrations.RunPython(setup_editorial, migrations.RunPython.noop),
    ]
