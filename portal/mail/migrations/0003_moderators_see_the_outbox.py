"""Let the programme team (Wagtail's 'Moderators' group) see the email outbox in the admin.

Only 'view': rows are written by the portal and changed only by the sender.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
CODENAMES = ["view_outboxemail"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("mail")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is None:
        return
    Permission = apps.get_model("auth", "Permission")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="mail", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        Permission = apps.get_model("auth", "Permission")
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="mail", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_outbox_carries_any_message"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
