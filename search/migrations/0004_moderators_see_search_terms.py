"""Let the Moderators group (the programme team) see the "Search terms" report.

The permission is created here rather than left to ``post_migrate``, which
runs only after every migration, too late to give it to a group.
"""

from django.db import migrations

CODENAME = "view_search_terms"
NAME = "Can see which searches are popular and which find nothing"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="search", model="zeroresultsearch")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*Permission.objects.filter(codename=CODENAME, content_type__app_label="search"))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_trigram_extension"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
