"""A narrow copy of every knowledge page's care settings, safety domains and topic tags, for facet counts.

``search_pagefacet`` holds one row per row of the six tables a page's facet
values live in (its settings, its domains, and its page type's topic tags),
indexed by page, so a search counts its matches' facets with one index lookup
per match rather than three. Database triggers keep it in step: each insert,
update and delete on a source table does the same to its copy, in the same
transaction, whether the row was written by the page editor, Django's
``bulk_create`` (the benchmark's loader), a cascade on delete or plain SQL. The
table is filled from the source tables here.

A new knowledge page type's topic tag table needs its own triggers, in a new
migration; ``tests/search/test_page_facets.py`` checks that every tag table has them.
On SQLite, a migration that rebuilds a source table (SQLite alters a table by
copying it) drops that table's triggers: such a migration must run
``install_triggers`` again for it.
"""

from django.db import migrations, models

# (number, table, page column, term column, kind): the numbers are stored in ``source`` and must not change.
SOURCES = [
    (0, "core_knowledgepage_settings", "knowledgepage_id", "setting_id", 0),
    (1, "core_knowledgepage_safety_domains", "knowledgepage_id", "safetydomain_id", 1),
    (2, "casestudies_casestudypagetag", "content_object_id", "tag_id", 2),
    (3, "learning_learningnotepagetag", "content_object_id", "tag_id", 2),
    (4, "learning_peervisitreportpagetag", "content_object_id", "tag_id", 2),
    (5, "updates_updatepagetag", "content_object_id", "tag_id", 2),
]
COLUMNS = "page_id, kind, term_id, source, source_id"


def _postgresql_triggers(number, table, page, term, kind):
    name = f"search_pagefacet_{number}"
    copy = f"INSERT INTO search_pagefacet ({COLUMNS}) VALUES (NEW.{page}, {kind}, NEW.{term}, {number}, NEW.id);"
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                DELETE FROM search_pagefacet WHERE source = {number} AND source_id = OLD.id;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {copy}
            END IF;
            RETURN NULL;
        END $$""",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def _sqlite_triggers(number, table, page, term, kind):
    name = f"search_pagefacet_{number}"
    copy = f"INSERT INTO search_pagefacet ({COLUMNS}) VALUES (NEW.{page}, {kind}, NEW.{term}, {number}, NEW.id);"
    remove = f"DELETE FROM search_pagefacet WHERE source = {number} AND source_id = OLD.id;"
    return [
        *(f"DROP TRIGGER IF EXISTS {name}_{when}" for when in ("insert", "update", "delete")),
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {copy} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} BEGIN {remove} {copy} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {remove} END",
    ]


def install_triggers(schema_editor, sources=SOURCES):
    vendor = schema_editor.connection.vendor
    triggers = {"postgresql": _postgresql_triggers, "sqlite": _sqlite_triggers}[vendor]
    for source in sources:
        for statement in triggers(*source):
            schema_editor.execute(statement)


def fill(apps, schema_editor):
    install_triggers(schema_editor)
    schema_editor.execute("DELETE FROM search_pagefacet")
    for number, table, page, term, kind in SOURCES:
        schema_editor.execute(
            f"INSERT INTO search_pagefacet ({COLUMNS}) SELECT {page}, {kind}, {term}, {number}, id FROM {table}"  # noqa: S608 - our table names
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE search_pagefacet")


def remove_triggers(apps, schema_editor):
    for number, table, *_rest in SOURCES:
        name = f"search_pagefacet_{number}"
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for when in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{when}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_index_entry_search_vector_gin"),
        ("core", "0003_knowledgepage_newest_index"),
        ("casestudies", "0002_initial"),
        ("learning", "0004_refused_and_held_photos"),
        ("updates", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageFacet",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("page_id", models.IntegerField()),
                ("kind", models.SmallIntegerField(choices=[(0, "setting"), (1, "domain"), (2, "tag")])),
                ("term_id", models.IntegerField()),
                ("source", models.SmallIntegerField()),
                ("source_id", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["page_id", "kind", "term_id"], name="search_pagefacet_page")],
                "constraints": [
                    models.UniqueConstraint(fields=("source", "source_id"), name="search_pagefacet_source")
                ],
            },
        ),
        migrations.RunPython(fill, remove_triggers, elidable=False),
    ]
