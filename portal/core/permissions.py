"""Granting model permissions to a group from a data migration."""

from django.contrib.auth.management import create_permissions

ACTIONS = ("add", "change", "delete", "view")


def grant_model_permissions(apps, app_label, model_names, group_name="Moderators"):
    """Give ``group_name`` every permission on ``model_names`` of ``app_label``.

    Django creates permissions after all migrations have run, so this creates
    the app's permissions first. A missing group (a database set up without
    Wagtail's initial groups) is left alone.
    """
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    group = apps.get_model("auth", "Group").objects.filter(name=group_name).first()
    if group is None:
        return
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in model_names for action in ACTIONS]
    group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
