"""`core.copying`: new rows written by COPY (PostgreSQL) or executemany (SQLite) get their ids
and are stored as the ORM would store them — encrypted, auto dates, JSON — and an id is
never given twice, not even one of a deleted row (issue 13, the import's chunks)."""

from __future__ import annotations

from django.db import connection

from hoso.changes.models import ChangeSet, ChangeStatus, SourceKind
from hoso.core.copying import instances_insert


def _draft(personas, n: int) -> ChangeSet:
    return ChangeSet(
        personal_id=f"00108501{n:04d}",
        operations=f'[{{"op": "create", "data": {{"n": {n}}}}}]',
        sections=["identity"],
        source_kind=SourceKind.PAPER,
        proposer=personas["nhaplieu"],
        status=ChangeStatus.DRAFT,
    )


def test_copied_rows_have_their_ids_and_read_back_as_written(personas) -> None:
    made = [_draft(personas, n) for n in range(3)]
    instances_insert(made)
    assert len({c.pk for c in made}) == 3 and all(c.pk for c in made)
    for draft in made:
        stored = ChangeSet.objects.get(pk=draft.pk)
        assert stored.operations == draft.operations  # decrypted as written
        assert stored.sections == ["identity"] and stored.proposed_at is not None
    with connection.cursor() as cursor:  # sealed at rest like any change set's operations
        cursor.execute("SELECT operations FROM changes_changeset WHERE id = %s", [made[0].pk])
        assert '"op"' not in str(cursor.fetchone()[0])
    last = max(c.pk for c in made)
    ChangeSet.objects.filter(pk=last).delete()
    [again] = [_draft(personas, 9)]
    instances_insert([again])
    assert again.pk > last
