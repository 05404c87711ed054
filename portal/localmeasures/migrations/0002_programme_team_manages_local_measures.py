"""Let the programme team (Wagtail's 'Moderators' group) define local measures in the admin.

Local measures are snippets, and snippet permissions are model permissions.
"""

from django.db import migrations

from portal.core.permissions import grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(apps, "localmeasures", ["localmeasure"])


class Migration(migrations.Migration):
    dependencies = [
        ("localmeasures", "0001_local_measures_values_and_sharing"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
