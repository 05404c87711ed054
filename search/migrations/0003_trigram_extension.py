"""Enable PostgreSQL's pg_trgm, used for spelling suggestions (search.engines.spelling).

Only on PostgreSQL: other databases have no extensions, and the suggestions
there use the same similarity computed in Python. pg_trgm is a trusted
extension (PostgreSQL 13+), so the owner of the database may create it.
The extension is left in place when this is reversed: other code may use it.
"""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_zero_result_search"),
    ]

    operations = [
        migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False),
    ]
