"""Give every organisation a web address for its public page (issue 18).

The slug is added without its unique index, filled in for every existing row
from its name (with -2, -3 ... where two would clash), then made unique.
"""

from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    Model = apps.get_model("taxonomy", "Organisation")
    taken = set()
    for row in Model.objects.order_by("pk"):
        base = slugify(row.name)[:194].strip("-") or "item"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        row.slug = slug
        row.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0003_programme_team_manages_taxonomy")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(blank=True, max_length=200, db_index=False),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="Its web address: /organisations/<slug>/. Made from the name when left empty.",
                max_length=200,
                unique=True,
            ),
        ),
    ]
