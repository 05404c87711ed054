"""Enable PostgreSQL's pg_trgm, used for spelling suggestions (search.engines.spelling).

Only on PostgreSQL: other databases have no extensions, and the suggestions
there use the same similarity computed in Python. pg_trgm is a trusted
extension (PostgreSQL 13+), so the owner of the database may create it; a
role that may not (or a server without the contrib modules) goes on without
it, and the suggestions use the Python similarity there too.
The extension is left in place when this is reversed: other code may use it.
"""

from django.db import DatabaseError, migrations, transaction


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            pass  # no right to create it: search.engines.spelling computes the same similarity itself


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_zero_result_search"),
    ]

    operations = [
        migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False),
    ]
