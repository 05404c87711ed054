"""Give every change idea a web address for its own page (issue 18).

The slug is added without its unique index, filled in for every existing row
from its title (with -2, -3 ... where two would clash), then made unique.
"""

from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    Model = apps.get_model("roadmap", "ChangeIdea")
    taken = set()
    for row in Model.objects.order_by("pk"):
        base = slugify(row.title)[:194].strip("-") or "item"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        row.slug = slug
        row.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0005_measure_frequency")]

    operations = [
        migrations.AddField(
            model_name="changeidea",
            name="slug",
            field=models.SlugField(blank=True, max_length=200, db_index=False),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="changeidea",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="Its web address: /roadmap/change-ideas/<slug>/. Made from the title when left empty.",
                max_length=200,
                unique=True,
            ),
        ),
    ]
