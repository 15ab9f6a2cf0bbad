from django.db import migrations, models

from hoso.people.keys import religion_index

BATCH = 2000


def fill_index(apps, schema_editor):
    """Index the religions already stored (decrypted one batch at a time, never logged)."""
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("pk", "religion").iterator(chunk_size=BATCH):
        person.religion_bidx = religion_index(person.religion)
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["religion_bidx"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["religion_bidx"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_person_ethnicity_bidx_alter_assetdeclaration_houses_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="religion_bidx",
            field=models.CharField(db_index=True, default="", editable=False, max_length=32),
        ),
        migrations.RunPython(fill_index, migrations.RunPython.noop, elidable=True),
    ]
