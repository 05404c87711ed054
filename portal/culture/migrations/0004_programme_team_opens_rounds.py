"""Let the programme team (Wagtail's 'Moderators' group) open and edit rounds in the admin
for facilitators; without these permissions only superusers could."""

from django.db import migrations

from portal.core.permissions import grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(apps, "culture", ["round"])


class Migration(migrations.Migration):
    dependencies = [
        ("culture", "0003_release_answers_in_batches"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
