"""The registry's folded full name, for the hub operators' name search (issue 14 item 1)."""

from django.db import migrations, models

from hoso.core.text import normalize


def fill(apps, schema_editor):
    entries = apps.get_model("federation", "RegistryEntry")
    batch = []
    for entry in entries.objects.only("personal_id", "summary").iterator():
        entry.name_key = normalize(str((entry.summary or {}).get("full_name") or ""))[:200]
        batch.append(entry)
        if len(batch) == 1000:
            entries.objects.bulk_update(batch, ["name_key"])
            batch = []
    entries.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0002_handover_handover"),
    ]

    operations = [
        migrations.AddField(
            model_name="registryentry",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, default="", max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
