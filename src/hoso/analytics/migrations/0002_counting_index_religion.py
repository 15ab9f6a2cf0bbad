"""PostgreSQL: the counting index of 0001, now with the religion's blind index
(`people_person.religion_bidx`, people/0004), so a religion breakdown is an index-only scan
too instead of decrypting one row per person."""

from django.db import migrations

COLUMNS = (
    "id, sex, birth_date, staff_category, highest_qualification, political_theory, "
    "state_management, current_rank_code, current_position_code, is_party_member, "
    "ethnicity_bidx, religion_bidx, secret_label, special_category"
)
OLD_COLUMNS = COLUMNS.replace("religion_bidx, ", "")


def _index(columns: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS analytics_person_counting",
        "CREATE INDEX analytics_person_counting ON people_person "
        f"(current_unit_id, status) INCLUDE ({columns})",
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _index(COLUMNS):
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _index(OLD_COLUMNS):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_counting_index"),
        ("people", "0004_religion_blind_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
