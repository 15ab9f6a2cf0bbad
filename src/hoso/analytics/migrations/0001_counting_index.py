"""PostgreSQL: a covering index for the workforce counts of today (R-STATS, R-FAST).

Today's count reads single-table columns of `people_person` (`analytics.selectors._people`):
the current unit and status to select, the protection flags of the counting scope, and the
columns every dimension groups by. With all of them in one narrow index, a count over a
province is an index-only scan instead of reading the whole (wide, encrypted) table —
bench/stats.py measures both. The table is the people app's; the index exists only for the
statistics, so it lives with them. SQLite needs nothing here (its nodes are small).
"""

from django.db import migrations

COLUMNS = (
    "id, sex, birth_date, staff_category, highest_qualification, political_theory, "
    "state_management, current_rank_code, current_position_code, is_party_member, "
    "ethnicity_bidx, secret_label, special_category"
)
FORWARD = [
    "CREATE INDEX IF NOT EXISTS analytics_person_counting ON people_person "
    f"(current_unit_id, status) INCLUDE ({COLUMNS})",
]
BACKWARD = ["DROP INDEX IF EXISTS analytics_person_counting"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_ethnicity_bidx_alter_assetdeclaration_houses_and_more")]

    operations = [migrations.RunPython(forward, backward)]
