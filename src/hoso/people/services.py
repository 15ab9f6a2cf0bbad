"""The only writers of dossier tables (one write path, DESIGN.md).

Every dossier — typed by a clerk, imported, or generated — is validated whole by
`people.validation` and written in one transaction, so a refused dossier leaves nothing.
Derived state (current post, rank, search keys, completeness) is recomputed on every write.
The change-set workflow (propose → approve → sign → apply) will call these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.services import event_record
from hoso.core.context import RequestContext
from hoso.core.context import current as current_context
from hoso.core.dates import today as local_today
from hoso.core.errors import Problem, ValidationFailed
from hoso.core.fields import EncryptedField
from hoso.core.text import clean_name
from hoso.orgs.models import Organization
from hoso.orgs.services import org_reparent
from hoso.people import bulk
from hoso.people.derive import derived_fields, standard_score
from hoso.people.keys import ethnicity_index, religion_index
from hoso.people.models import Person
from hoso.people.reference import load_reference
from hoso.people.sections import SECTIONS
from hoso.people.selectors import _dossier_data_many, dossier_standard
from hoso.people.validation import Reference, validate_dossier

# `User` is the account model (`access.models.User`) by its Django base: people stands below
# access (the gate reads people), so it names no access module.
PERSON_SECTIONS = [s for s in SECTIONS if s.model is Person]


ROW_SECTIONS = [s for s in SECTIONS if s.model is not Person]
_FK_TO_ORG = {"managing_agency", "current_unit", "organization"}


def _converter(field: Any) -> Callable[[Any], Any]:
    """Plain JSON-ish input → the value the column stores (ciphertext for encrypted ones).

    Built once per field, not per value: bulk loads convert tens of values per person.
    """
    if isinstance(field, EncryptedField):
        return field.get_prep_value
    empty = None if field.null else (field.get_default() if field.has_default() else "")
    internal = field.get_internal_type()
    if internal == "DateField":
        return lambda raw: (
            empty
            if raw in (None, "")
            else raw
            if isinstance(raw, date)
            else date.fromisoformat(raw)
        )
    if internal == "DecimalField":
        quantum = Decimal(1).scaleb(-field.decimal_places)
        return lambda raw: empty if raw in (None, "") else Decimal(str(raw)).quantize(quantum)
    if internal in {"PositiveSmallIntegerField", "PositiveIntegerField"}:
        return lambda raw: empty if raw in (None, "") else int(raw)
    if internal == "BooleanField":
        return lambda raw: empty if raw in (None, "") else bool(raw)
    return lambda raw: empty if raw in (None, "") else raw


@lru_cache(maxsize=64)
def _plan(model: type) -> tuple[list[Any], list[tuple[str, Callable[[Any], Any]]]]:
    fields = bulk.columns(model, with_pk=model is Person)
    return fields, [(f.name, _converter(f)) for f in fields]


def _person_row(pk: int, data: dict[str, Any], ref: Reference, now: datetime) -> tuple:
    flat: dict[str, Any] = {}
    for section in PERSON_SECTIONS:
        flat.update(data.get(section.key) or {})
    flat["full_name"] = clean_name(flat.get("full_name", ""))
    flat.update(derived_fields({**data, "identity": {**data.get("identity", {}), **flat}}, ref))
    values: list[Any] = []
    for name, convert in _plan(Person)[1]:
        if name == "id":
            values.append(pk)
        elif name in _FK_TO_ORG:
            values.append(ref.units[flat[name]])
        elif name == "unit_path":
            values.append(ref.unit_paths[flat["current_unit"]])
        elif name in {"created_at", "updated_at"}:
            values.append(now)
        elif name == "ethnicity_bidx":
            values.append(ethnicity_index(flat.get("ethnicity")))
        elif name == "religion_bidx":
            values.append(religion_index(flat.get("religion")))
        else:
            values.append(convert(flat.get(name)))
    return tuple(values)


def _section_rows(section: Any, person_pk: int, rows: list[dict], ref: Reference, now: datetime):
    fields, plan = _plan(section.model)
    where = {name: index for index, (name, _convert) in enumerate(plan)}
    i_person, i_created = where["person"], where["created_at"]
    i_unit, i_job, i_order = (
        where.get("organization"),
        where.get("job_position"),
        where.get("order"),
    )
    out = []
    for order, row in enumerate(rows):
        get = row.get
        values = [convert(get(name)) for name, convert in plan]
        values[i_person] = person_pk
        values[i_created] = now
        if i_unit is not None:
            unit = get("organization")
            values[i_unit] = ref.units.get(unit) if unit else None
        if i_job is not None:
            job = get("job_position")
            unit_code = str(get("organization") or "")
            values[i_job] = ref.job_positions.get((unit_code, job)) if job else None
        if i_order is not None:
            values[i_order] = get("order", order)
        out.append(tuple(values))
    return fields, out


def _as_rows(value: Any, many: bool) -> list[dict]:
    if many:
        return list(value or [])
    return [value] if value else []


def _check_batch(
    batch: list[dict[str, Any]], ref: Reference, today: date, offset: int, seen: set[str]
) -> list[Problem]:
    """Every problem of a batch; `seen` carries the ids of earlier batches of the same run."""
    problems: list[Problem] = []
    ids = [str((d.get("identity") or {}).get("personal_id", "")) for d in batch]
    taken = set(Person.objects.filter(personal_id__in=ids).values_list("personal_id", flat=True))
    for index, (data, pid) in enumerate(zip(batch, ids, strict=True)):
        label = f"Hồ sơ {offset + index + 1} ({pid or 'không có số định danh'})"
        found = validate_dossier(data, ref=ref, today=today)
        if pid in taken:
            found.append(
                Problem(
                    "duplicate_personal_id", "Số định danh đã có hồ sơ.", "identity.personal_id"
                )
            )
        elif pid in seen:
            found.append(
                Problem(
                    "duplicate_personal_id",
                    "Số định danh bị lặp trong lô nhập.",
                    "identity.personal_id",
                )
            )
        seen.add(pid)
        problems += [
            Problem(p.code, f"{label}: {p.message}", f"[{offset + index}].{p.field}") for p in found
        ]
    return problems


Prepared = list[tuple[type, list[Any], list[tuple]]]


def _prepare_batch(
    batch: list[dict[str, Any]], ref: Reference, pks: list[int] | None = None
) -> tuple[list[int], Prepared]:
    """Ids (`pks` if reserved beforehand) and the rows of every table for a validated batch."""
    now = timezone.now()
    pks = pks or bulk.allocate_person_ids(len(batch))
    tables: Prepared = [
        (
            Person,
            _plan(Person)[0],
            [_person_row(pk, d, ref, now) for pk, d in zip(pks, batch, strict=True)],
        )
    ]
    for section in ROW_SECTIONS:
        rows: list[tuple] = []
        for pk, data in zip(pks, batch, strict=True):
            rows += _section_rows(
                section, pk, _as_rows(data.get(section.key), section.many), ref, now
            )[1]
        if rows:
            tables.append((section.model, _plan(section.model)[0], rows))
    return pks, tables


def _audit_write(acting_user: User | None, ids: list[str], what: str, ctx: RequestContext) -> None:
    """One audit event per written batch, in the batch's transaction."""
    event_record(
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        actor_username="" if acting_user else "system",
        action=AuditAction.DOSSIER_WRITE,
        outcome=AuditOutcome.OK,
        personal_id=ids[0] if len(ids) == 1 else "",
        client_address=ctx.client_address,
        correlation_id=ctx.correlation_id,
        detail={"operation": what, "count": len(ids), "personal_ids": ids, "channel": ctx.channel},
    )


def _insert_prepared(
    tables: Prepared, audit: tuple[User | None, list[str], str, RequestContext]
) -> None:
    for model, fields, rows in tables:
        bulk.insert(model, fields, rows)
    _audit_write(*audit)


def _insert_in_own_transaction(
    tables: Prepared, audit: tuple[User | None, list[str], str, RequestContext]
) -> None:
    """Runs on the writer thread, with that thread's own connection."""
    try:
        with transaction.atomic():
            _insert_prepared(tables, audit)
    finally:
        connection.close()


def _ids(batch: list[dict[str, Any]]) -> list[str]:
    return [str((d.get("identity") or {}).get("personal_id", "")) for d in batch]


def _batches(
    items: Iterable[dict[str, Any]], size: int, ids: Iterable[int] | None
) -> Iterator[tuple[list[dict[str, Any]], list[int] | None]]:
    iterator, numbers = iter(items), iter(ids) if ids is not None else None
    while batch := list(islice(iterator, size)):
        yield batch, list(islice(numbers, len(batch))) if numbers is not None else None


def person_ids_reserve(count: int) -> int:
    """Reserve `count` consecutive person ids (PostgreSQL) and return the first: parallel
    writers then pass their people's ids to `dossiers_bulk_create(person_ids=…)`."""
    return bulk.reserve_person_ids(count)


def dossiers_bulk_create(
    *,
    acting_user: User | None,
    dossiers: Iterable[dict[str, Any]],
    all_or_nothing: bool = True,
    batch_size: int = 1000,
    today: date | None = None,
    on_progress: Callable[[int], None] | None = None,
    person_ids: Iterable[int] | None = None,
) -> list[int]:
    """Create many dossiers; returns their ids (`person_ids`, one per dossier, when reserved
    with `person_ids_reserve`).

    With `all_or_nothing` (imports), any invalid dossier refuses the whole call and nothing
    is written. Without it (the synthetic generator), each batch is its own transaction and
    the first invalid batch stops the run with everything before it committed.
    """
    ref = load_reference()
    today = today or local_today()
    created: list[int] = []
    seen: set[str] = set()
    ctx = current_context()
    # On PostgreSQL a batch-per-transaction run overlaps the database's work (COPY, commit,
    # constraint checks) with Python's preparation of the next batch on the other core.
    # The writer thread has its own connection, so the caller must hold no open transaction.
    pipelined = (
        not all_or_nothing and connection.vendor == "postgresql" and not connection.in_atomic_block
    )

    def checked(batch: list[dict[str, Any]], offset: int) -> None:
        problems = _check_batch(batch, ref, today, offset, seen)
        if problems:
            raise ValidationFailed(problems, "Hồ sơ không hợp lệ; không lưu hồ sơ nào của lô này.")

    def run() -> None:
        offset = 0
        for batch, reserved in _batches(dossiers, batch_size, person_ids):
            with transaction.atomic():
                checked(batch, offset)
                pks, tables = _prepare_batch(batch, ref, reserved)
                _insert_prepared(tables, (acting_user, _ids(batch), "create", ctx))
            created.extend(pks)
            offset += len(batch)
            if on_progress:
                on_progress(len(batch))

    def run_pipelined() -> None:
        offset = 0
        pending: tuple[Future[None], int] | None = None

        def wait(item: tuple[Future[None], int] | None) -> None:
            if item is not None:
                item[0].result()  # committed, or the writer's error is raised here
                if on_progress:
                    on_progress(item[1])

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hoso-writer") as writer:
            for batch, reserved in _batches(dossiers, batch_size, person_ids):
                checked(batch, offset)
                pks, tables = _prepare_batch(batch, ref, reserved)
                wait(pending)
                audit = (acting_user, _ids(batch), "create", ctx)
                pending = (writer.submit(_insert_in_own_transaction, tables, audit), len(batch))
                created.extend(pks)
                offset += len(batch)
            wait(pending)

    if all_or_nothing:
        with transaction.atomic():
            run()
    elif pipelined:
        run_pipelined()
    else:
        run()
    return created


def dossier_create(
    *, acting_user: User | None, data: dict[str, Any], today: date | None = None
) -> Person:
    """Create one whole dossier (identity and any sections) or nothing."""
    [pk] = dossiers_bulk_create(acting_user=acting_user, dossiers=[data], today=today)
    return Person.objects.get(pk=pk)


def person_refresh(*, person: Person, data: dict[str, Any], ref: Reference) -> None:
    for name, value in derived_fields(data, ref).items():
        setattr(person, name, value)
    person.ethnicity_bidx = ethnicity_index(person.ethnicity)
    person.religion_bidx = religion_index(person.religion)
    person.save()


@transaction.atomic
def dossier_replace(
    *, acting_user: User | None, data: dict[str, Any], today: date | None = None
) -> Person:
    """Make the live tables equal `data` (a whole dossier) for an existing person.

    Called only by `changes.services` when an approved change set is applied: the previous
    state is kept in its `DossierVersion`, so the live rows are replaced, not edited.
    """
    pid = str((data.get("identity") or {}).get("personal_id", ""))
    person = Person.objects.select_for_update().filter(personal_id=pid).first()
    if person is None:
        raise ValidationFailed([Problem("unknown_person", "Không có hồ sơ này.", "personal_id")])
    ref = load_reference()
    problems = validate_dossier(data, ref=ref, today=today or local_today())
    if problems:
        raise ValidationFailed(problems)
    now = timezone.now()
    values = _person_row(person.pk, data, ref, now)
    fields = _plan(Person)[0]
    updates = {
        f.attname: v
        for f, v in zip(fields, values, strict=True)
        if not f.primary_key and f.name != "created_at"
    }
    Person.objects.filter(pk=person.pk).update(**updates)
    for section in ROW_SECTIONS:
        section.model._default_manager.filter(person_id=person.pk).delete()
        rows = _section_rows(
            section, person.pk, _as_rows(data.get(section.key), section.many), ref, now
        )[1]
        bulk.insert(section.model, _plan(section.model)[0], rows)
    _audit_write(acting_user, [pid], "replace", current_context())
    return Person.objects.get(pk=person.pk)


def completeness_refresh(
    *,
    acting_user: User | None,
    batch_size: int = 200,
    today: date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the stored completeness (`Person.completeness`, `missing_required`) of every
    dossier against the dossier standard as the catalogs say now (R-COMPLETE): run after the
    standard changes. Batched, one transaction and one audit event per batch naming the
    dossiers whose values changed; `on_progress(done, total)` after each batch. Returns how
    many dossiers changed. Only these two derived columns are written: no content changes."""
    standard = dossier_standard()
    today = today or local_today()
    ctx = current_context()
    pks = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    changed_total = 0
    for start in range(0, len(pks), batch_size):
        chunk = pks[start : start + batch_size]
        with transaction.atomic():
            changed = []
            people = list(
                Person.objects.filter(pk__in=chunk).order_by("pk").select_for_update(of=("self",))
            )
            content = _dossier_data_many(people)
            for person in people:
                rate, failed = standard_score(content[person.pk], standard, today=today)
                rate, failed = round(rate, 4), min(failed, 32767)
                if (person.completeness, person.missing_required) != (rate, failed):
                    person.completeness, person.missing_required = rate, failed
                    changed.append(person)
            if changed:
                Person.objects.bulk_update(changed, ["completeness", "missing_required"])
                ids = [p.personal_id for p in changed]
                _audit_write(acting_user, ids, "completeness_refresh", ctx)
            changed_total += len(changed)
        if on_progress:
            on_progress(min(start + batch_size, len(pks)), len(pks))
    return changed_total


@transaction.atomic
def unit_reparent(
    *,
    acting_user: User | None,
    unit: Organization,
    new_parent: Organization,
    legal_basis: str,
) -> int:
    """Move a unit with its subtree under another parent (`orgs.services.org_reparent`) and
    the stored unit path of everybody in that subtree with it (`Person.unit_path`), in one
    transaction and one UPDATE whatever the number of people; returns how many people's path
    moved. Their dossiers' content does not change (the unit is the same unit), so one audit
    event names the move and the count, not every person."""
    old, new = org_reparent(
        acting_user=acting_user, unit=unit, new_parent=new_parent, legal_basis=legal_basis
    )
    moved = Person.objects.filter(unit_path__startswith=old).update(
        unit_path=Concat(Value(new), Substr("unit_path", len(old) + 1))
    )
    ctx = current_context()
    event_record(
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        actor_username="" if acting_user else "system",
        action=AuditAction.DOSSIER_WRITE,
        outcome=AuditOutcome.OK,
        client_address=ctx.client_address,
        correlation_id=ctx.correlation_id,
        detail={
            "operation": "unit_reparent",
            "unit": unit.code,
            "new_parent": new_parent.code,
            "old_path": old,
            "new_path": new,
            "count": moved,
            "legal_basis": legal_basis,
            "channel": ctx.channel,
        },
    )
    return moved
