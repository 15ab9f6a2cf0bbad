"""`Person.unit_path`: the current unit's materialized path on the person (issue 13), so a
unit-subtree filter is one indexed prefix match on `people_person`. The column only; the
backfill and the index follow in 0007, outside one transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_staffing_history"),
        ("people", "0005_elig_legal_records_and_planning"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="unit_path",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
    ]
