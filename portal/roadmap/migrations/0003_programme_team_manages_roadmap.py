"""Let the programme team (Wagtail's 'Moderators' group) edit the roadmap.

Workstreams, drivers, change ideas, milestones and measures are snippets, and
snippet permissions are model permissions: without these only superusers
could record a milestone's progress or upload a measure's data.
"""

from django.db import migrations

from portal.core.permissions import grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(apps, "roadmap", ["workstream", "driver", "changeidea", "milestone", "measure"])


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0002_roadmap_snippets"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
