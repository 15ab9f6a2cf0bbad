"""The node's first data and blind-index keys, created with the schema.

Keys are never created lazily inside a business transaction: a rollback there would leave
values encrypted under a key that no longer exists in the database.
"""

import secrets

from django.db import migrations


def create_keys(apps, schema_editor):
    from hoso.core import crypto

    DataKey = apps.get_model("core", "DataKey")
    master = crypto.read_master_key()
    for purpose in ("data", "index"):
        if (
            DataKey.objects.using(schema_editor.connection.alias)
            .filter(purpose=purpose, active=True)
            .exists()
        ):
            continue
        key = secrets.token_bytes(32)
        DataKey.objects.using(schema_editor.connection.alias).create(
            purpose=purpose,
            fingerprint=crypto.fingerprint(key),
            wrapped=crypto.wrap(master, key),
            master_fingerprint=crypto.fingerprint(master),
            active=True,
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_keys, migrations.RunPython.noop)]
