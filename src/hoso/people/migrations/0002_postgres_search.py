"""PostgreSQL search: pg_trgm and unaccent, and trigram indexes on the normalized keys.

The keys themselves are normalized in Python (hoso.core.text.normalize) so that SQLite and
PostgreSQL agree exactly; `hoso_unaccent` lets ad-hoc SQL normalize the same way
(docs/decisions/0002-search-normalization.md). SQLite needs nothing here.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE; an IMMUTABLE wrapper with a fixed dictionary can be indexed.
    """CREATE OR REPLACE FUNCTION hoso_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$""",
    "CREATE INDEX IF NOT EXISTS person_search_trgm ON people_person "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_id_prefix ON people_person "
    "(personal_id varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS person_id_prefix",
    "DROP INDEX IF EXISTS person_search_trgm",
    "DROP FUNCTION IF EXISTS hoso_unaccent(text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
