"""Fill `Person.unit_path` from each person's current unit, then index it.

Batched SQL by id range, each batch its own transaction (`atomic = False`), so millions of
rows neither hold one long transaction nor pass through Python; a rerun after an
interruption skips the rows already right. The index is built after the fill (one sort
instead of millions of index updates).
"""

from django.db import migrations, models

BATCH = 100_000

PG_BATCH = """
UPDATE people_person AS p SET unit_path = o.path
FROM orgs_organization AS o
WHERE o.id = p.current_unit_id AND p.id >= %s AND p.id < %s
  AND p.unit_path IS DISTINCT FROM o.path
"""

SQLITE_ALL = """
UPDATE people_person SET unit_path = (
  SELECT o.path FROM orgs_organization AS o WHERE o.id = people_person.current_unit_id
)
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(SQLITE_ALL)
            return
        cursor.execute("SELECT MIN(id), MAX(id) FROM people_person")
        low, high = cursor.fetchone()
        if low is None:
            return
        # Autocommit (`atomic = False`): each batch commits by itself.
        for start in range(low, high + 1, BATCH):
            cursor.execute(PG_BATCH, [start, start + BATCH])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0006_perf13_unit_path")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["unit_path"],
                name="person_unit_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
