"""Seed the nine-dimension primary-care framework, with the portal's own level descriptions.

The wording lives in ``portal/culture/framework_text.py``, written for this portal.
Editors own the framework afterwards in the admin; this adds nothing that is
already there.
"""

from django.db import migrations

from portal.culture.framework_text import DIMENSIONS, FRAMEWORK_DESCRIPTION, FRAMEWORK_NAME


def seed(apps, schema_editor):
    Framework = apps.get_model("culture", "Framework")
    Dimension = apps.get_model("culture", "Dimension")
    LevelDescription = apps.get_model("culture", "LevelDescription")
    framework, _ = Framework.objects.get_or_create(name=FRAMEWORK_NAME, defaults={"description": FRAMEWORK_DESCRIPTION})
    for order, (name, covers, levels) in enumerate(DIMENSIONS, start=1):
        dimension, created = Dimension.objects.get_or_create(
            framework=framework, name=name, defaults={"covers": covers, "sort_order": order}
        )
        if created:
            LevelDescription.objects.bulk_create(
                LevelDescription(dimension=dimension, level=level, text=text, sort_order=level)
                for level, text in enumerate(levels, start=1)
            )


def unseed(apps, schema_editor):
    apps.get_model("culture", "Framework").objects.filter(name=FRAMEWORK_NAME, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("culture", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
