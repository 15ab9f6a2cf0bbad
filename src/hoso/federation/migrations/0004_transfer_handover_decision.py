from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("federation", "0003_hubweb_registry_name_key")]

    operations = [
        migrations.AddField(
            model_name="handover",
            name="decision_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
    ]
