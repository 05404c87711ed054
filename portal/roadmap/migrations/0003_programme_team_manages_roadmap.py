"""Let the programme team (Wagtail's 'Moderators' group) edit the roadmap.

Workstreams, drivers, change ideas, milestones and measures are snippets, and
snippet permissions are model permissions: without these only superusers
could record a milestone's progress or upload a measure's data.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["workstream", "driver", "changeidea", "milestone", "measure"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run.
    app_config = apps.get_app_config("roadmap")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is None:
        return
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    moderators.permissions.add(*Permission.objects.filter(content_type__app_label="roadmap", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0002_roadmap_snippets"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
