"""Key rotation (docs/decisions/0006-encryption-at-rest.md). Maintenance, not dossier edits:
plaintext never changes, so no change set is involved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from hoso.core import crypto
from hoso.core.fields import EncryptedField
from hoso.core.models import DataKey


def encrypted_columns() -> Iterator[tuple[str, str, str]]:
    """(table, column, aad) of every encrypted field of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedField) and field.column:
                yield model._meta.db_table, field.column, field.aad


@transaction.atomic
def master_rotate(*, new_key_file: Path) -> int:
    """Rewrap every data key under the new master key; returns how many were rewrapped.

    Afterwards point HOSO_MASTER_KEY_FILE at the new file; the old one opens nothing new.
    """
    old = crypto.read_master_key()
    new = crypto.read_master_key(new_key_file)
    count = 0
    for row in DataKey.objects.select_for_update():
        key = crypto.unwrap(old, row.wrapped)
        row.wrapped = crypto.wrap(new, key)
        row.master_fingerprint = crypto.fingerprint(new)
        row.save(update_fields=["wrapped", "master_fingerprint"])
        count += 1
    crypto.forget_keys()
    return count


def data_rotate(*, batch_size: int = 2000) -> int:
    """Make a new data key and re-encrypt every stored value with it, batch by batch.

    Old keys stay (marked inactive) so that a crash mid-way leaves every value readable.
    """
    with transaction.atomic():
        new_fp = crypto.create_data_key("data")
    changed = 0
    quote = connection.ops.quote_name
    for table, column, aad in encrypted_columns():
        last_id = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608
                    f"WHERE id > %s AND {quote(column)} LIKE %s ORDER BY id LIMIT %s",
                    [last_id, "e1.%", batch_size],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                updates = [
                    (crypto.encrypt(crypto.decrypt(token, aad), aad), pk)
                    for pk, token in rows
                    if not token.startswith(f"e1.{new_fp}.")
                ]
                cursor.executemany(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                    updates,
                )
                changed += len(updates)
                last_id = rows[-1][0]
    return changed
