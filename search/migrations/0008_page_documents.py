"""One narrow row per knowledge page with everything a search needs to find and count it, on PostgreSQL.

``search_pagedocument`` holds, for each knowledge page with an index entry,
its entry's title and body vectors together (what Wagtail's backend matches),
whether it is live, its tree path (for view restrictions), its content type,
its date, title and summary, and the ids of its care settings, safety
domains and topic tags.
A search on PostgreSQL finds its matches through this table's own GIN index
and counts their facets from the same rows (``search.engines.database``),
and ranks them by where the words are (title, topic, summary), instead of
joining every match to the page tables and looking up its facets:
at 100,000 pages that join and those lookups were most of a faceted search.

Database triggers keep each row in step with what it copies, in the same
transaction, whoever writes: Wagtail's index updates (the vectors), a publish,
unpublish, move or new title (``wagtailcore_page``), a page's date and summary
(``core_knowledgepage``),
and its settings, domains and tags (through ``search_pagefacet``, itself kept
by the triggers of migration ``search.0007``). Each trigger works the page's
row out again from those tables (``search_pagedocument_refresh``). ``TRUNCATE``
fires no row triggers, so truncating the index entries, the knowledge pages or
the pages empties this table too (the test runner's flush does that).

Nothing is created on other databases: SQLite's search keeps its own
full-text table and the engine uses this table on PostgreSQL only.
"""

from django.db import migrations, models

import django.contrib.postgres.fields
import django.contrib.postgres.search

TABLE = "search_pagedocument"

REFRESH = f"""
CREATE OR REPLACE FUNCTION {TABLE}_refresh(target integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF target IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO {TABLE} (page_id, vector, live, path, content_type_id, date, title, summary, settings, domains, tags)
    SELECT p.id, e.title || e.body, p.live, p.path, p.content_type_id, k.date, p.title, k.summary,
        ARRAY(SELECT f.term_id FROM search_pagefacet f WHERE f.page_id = p.id AND f.kind = 0 ORDER BY f.term_id),
        ARRAY(SELECT f.term_id FROM search_pagefacet f WHERE f.page_id = p.id AND f.kind = 1 ORDER BY f.term_id),
        ARRAY(SELECT f.term_id FROM search_pagefacet f WHERE f.page_id = p.id AND f.kind = 2 ORDER BY f.term_id)
    FROM core_knowledgepage k
    JOIN wagtailcore_page p ON p.id = k.page_ptr_id
    JOIN wagtailsearch_indexentry e ON e.content_type_id = p.content_type_id AND e.object_id = p.id::varchar(50)
    WHERE k.page_ptr_id = target
    ON CONFLICT (page_id) DO UPDATE SET
        vector = EXCLUDED.vector, live = EXCLUDED.live, path = EXCLUDED.path,
        content_type_id = EXCLUDED.content_type_id, date = EXCLUDED.date,
        title = EXCLUDED.title, summary = EXCLUDED.summary,
        settings = EXCLUDED.settings, domains = EXCLUDED.domains, tags = EXCLUDED.tags;
    IF NOT FOUND THEN
        DELETE FROM {TABLE} WHERE page_id = target;
    END IF;
END $$
"""


def _row_trigger(name, table, when, page_of, condition=""):
    """A function and a row trigger on ``table`` that refresh the document of the page ``page_of`` names."""
    old = f"PERFORM {TABLE}_refresh({page_of('OLD')});"
    new = f"PERFORM {TABLE}_refresh({page_of('NEW')});"
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                {old}
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {new}
            END IF;
            RETURN NULL;
        END $$""",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {when} ON {table} FOR EACH ROW {condition} EXECUTE FUNCTION {name}()",
    ]


def _entry_page(row):
    # An index entry names its object by text; only a whole number short enough for an integer can be a page.
    return f"CASE WHEN {row}.object_id ~ '^[0-9]{{1,9}}$' THEN {row}.object_id::integer END"


TRIGGERS = [
    *_row_trigger(
        f"{TABLE}_entry",
        "wagtailsearch_indexentry",
        "INSERT OR DELETE OR UPDATE OF title, body, object_id, content_type_id",
        _entry_page,
    ),
    *_row_trigger(
        f"{TABLE}_page",
        "wagtailcore_page",
        "UPDATE",
        lambda row: f"{row}.id",
        "WHEN (OLD.live IS DISTINCT FROM NEW.live OR OLD.path IS DISTINCT FROM NEW.path "
        "OR OLD.content_type_id IS DISTINCT FROM NEW.content_type_id OR OLD.title IS DISTINCT FROM NEW.title)",
    ),
    *_row_trigger(f"{TABLE}_knowledge", "core_knowledgepage", "INSERT OR DELETE", lambda row: f"{row}.page_ptr_id"),
    *_row_trigger(
        f"{TABLE}_knowledge_change",
        "core_knowledgepage",
        "UPDATE",
        lambda row: f"{row}.page_ptr_id",
        "WHEN (OLD.date IS DISTINCT FROM NEW.date OR OLD.summary IS DISTINCT FROM NEW.summary)",
    ),
    *_row_trigger(f"{TABLE}_facet", "search_pagefacet", "INSERT OR UPDATE OR DELETE", lambda row: f"{row}.page_id"),
    f"""CREATE OR REPLACE FUNCTION {TABLE}_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    *(
        statement
        for table in ("wagtailsearch_indexentry", "core_knowledgepage", "wagtailcore_page")
        for statement in (
            f"DROP TRIGGER IF EXISTS {TABLE}_emptied ON {table}",
            f"CREATE TRIGGER {TABLE}_emptied AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {TABLE}_emptied()",
        )
    ),
]

FILL = f"""
INSERT INTO {TABLE} (page_id, vector, live, path, content_type_id, date, title, summary, settings, domains, tags)
SELECT p.id, e.title || e.body, p.live, p.path, p.content_type_id, k.date, p.title, k.summary,
    COALESCE(f.settings, '{{}}'), COALESCE(f.domains, '{{}}'), COALESCE(f.tags, '{{}}')
FROM core_knowledgepage k
JOIN wagtailcore_page p ON p.id = k.page_ptr_id
JOIN wagtailsearch_indexentry e ON e.content_type_id = p.content_type_id AND e.object_id = p.id::varchar(50)
LEFT JOIN (
    SELECT page_id,
        array_agg(term_id ORDER BY term_id) FILTER (WHERE kind = 0) AS settings,
        array_agg(term_id ORDER BY term_id) FILTER (WHERE kind = 1) AS domains,
        array_agg(term_id ORDER BY term_id) FILTER (WHERE kind = 2) AS tags
    FROM search_pagefacet GROUP BY page_id
) f ON f.page_id = p.id
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (page_id integer PRIMARY KEY, vector tsvector NOT NULL, "
        "live boolean NOT NULL, path text NOT NULL, content_type_id integer NOT NULL, date date NULL, "
        "title text NOT NULL, summary text NOT NULL, "
        "settings integer[] NOT NULL, domains integer[] NOT NULL, tags integer[] NOT NULL)"
    )
    schema_editor.execute(REFRESH)
    for statement in TRIGGERS:
        schema_editor.execute(statement)
    schema_editor.execute(f"TRUNCATE {TABLE}")
    schema_editor.execute(FILL)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_vector ON {TABLE} USING gin (vector)")
    schema_editor.execute(f"ANALYZE {TABLE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in [
        ("entry", "wagtailsearch_indexentry"),
        ("page", "wagtailcore_page"),
        ("knowledge", "core_knowledgepage"),
        ("knowledge_change", "core_knowledgepage"),
        ("facet", "search_pagefacet"),
        ("emptied", "wagtailsearch_indexentry"),
        ("emptied", "core_knowledgepage"),
        ("emptied", "wagtailcore_page"),
    ]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {table}")
    for name in ("entry", "page", "knowledge", "knowledge_change", "facet", "emptied"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_{name}()")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_refresh(integer)")
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_page_facets"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageDocument",
            fields=[
                ("page_id", models.IntegerField(primary_key=True, serialize=False)),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                ("live", models.BooleanField()),
                ("path", models.TextField()),
                ("content_type_id", models.IntegerField()),
                ("date", models.DateField(null=True)),
                ("title", models.TextField()),
                ("summary", models.TextField()),
                ("settings", django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), size=None)),
                ("domains", django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), size=None)),
                ("tags", django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), size=None)),
            ],
            options={"managed": False},
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
