"""Let the programme team (Wagtail's 'Moderators' group) manage the taxonomy.

Snippet permissions are ordinary model permissions; without them only
superusers could add an organisation or reword a setting.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["setting", "safetydomain", "organisation"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure this app's exist now so that they can be granted.
    app_config = apps.get_app_config("taxonomy")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is None:
        return
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="taxonomy", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0002_seed_settings_and_domains"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
