"""Let the programme team (Wagtail's 'Moderators' group) manage the taxonomy.

Snippet permissions are ordinary model permissions; without them only
superusers could add an organisation or reword a setting.
"""

from django.db import migrations

from portal.core.permissions import grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(apps, "taxonomy", ["setting", "safetydomain", "organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0002_seed_settings_and_domains"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
