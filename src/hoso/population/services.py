"""Lookups at a dossier's creation, the simulator's export, and the reconciliation job.

Every lookup is audited (``AuditAction.POPULATION``, the code as detail, never the answer) and
kept as a ``models.Lookup``. The reconciliation writes nothing itself: each difference becomes a
proposed change set through ``changes.services.changesets.changeset_propose`` — the one write
path — for a records manager to approve with a signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from hoso.access import holds
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.services import event_record
from hoso.changes.models import ChangeSet, ChangeStatus, SourceKind
from hoso.changes.services.changesets import changeset_propose
from hoso.people.models import Person, StaffStatus
from hoso.people.selectors import person_queryset
from hoso.population import connector as connectors
from hoso.population.models import Difference, Lookup, Purpose
from hoso.population.records import CitizenRecord, Found, Outcome

# The dossier's identity fields a found record fills, read-only in the entry forms.
SOURCED_FIELDS = (
    "full_name",
    "other_names",
    "birth_date",
    "sex",
    "birth_place",
    "home_town",
    "ethnicity",
    "religion",
    "nationality",
    "marital_status",
    "permanent_residence",
    "current_residence",
)
# What a reconciliation compares (issue 14): name, residence, marital status, date of death.
RECONCILED_FIELDS = ("full_name", "permanent_residence", "current_residence", "marital_status")
SOURCE_NOTE = "Đối chiếu Cơ sở dữ liệu quốc gia về dân cư"


def _audit(actor: Any, personal_id: str, outcome: Outcome, purpose: str) -> None:
    event_record(
        actor=actor,
        action=AuditAction.POPULATION,
        outcome=AuditOutcome.OK if isinstance(outcome, Found) else AuditOutcome.ERROR,
        personal_id=personal_id,
        detail={"code": str(outcome.code), "purpose": purpose},
    )


def lookup(
    *,
    acting_user: Any,
    personal_id: str,
    purpose: str = Purpose.CREATION,
    connector: connectors.Connector | None = None,
) -> tuple[Outcome, Lookup]:
    """Ask the population database, keep and audit the answer; never raises on its failures."""
    outcome = (connector or connectors.configured()).lookup(personal_id)
    record = (
        json.dumps(outcome.record.as_json(), ensure_ascii=False)
        if isinstance(outcome, Found)
        else ""
    )
    with transaction.atomic():
        kept = Lookup.objects.create(
            personal_id=personal_id,
            purpose=purpose,
            code=str(outcome.code),
            record=record,
            looked_up_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        _audit(acting_user, personal_id, outcome, purpose)
    return outcome, kept


def lookup_attach(kept: Lookup, changeset: ChangeSet) -> None:
    """The draft or proposal a creation's lookup filled (or failed to fill)."""
    kept.changeset = changeset
    kept.save(update_fields=["changeset"])


def people_all() -> Iterable[Person]:
    """Every dossier's person, for the simulator's export."""
    return person_queryset().order_by("personal_id").iterator()


def identity_values(record: CitizenRecord) -> dict[str, Any]:
    """The dossier's identity values from a record (dates as ISO text, as in operations)."""
    values = record.as_json()
    return {name: values[name] for name in SOURCED_FIELDS if values.get(name)}


def creation_source(personal_id: str) -> Lookup | None:
    """The latest creation lookup of ``personal_id``: how its identity fields were sourced."""
    return Lookup.objects.filter(personal_id=personal_id, purpose=Purpose.CREATION).first()


def sourced_fields(personal_id: str) -> frozenset[str]:
    """Fields filled from the population database, so read-only in the entry forms."""
    kept = creation_source(personal_id)
    if kept is None or not kept.verified:
        return frozenset()
    # Only what the answer filled: a field it left empty is the clerk's to type.
    filled = {name for name, value in json.loads(kept.record).items() if value}
    return frozenset(filled) & frozenset(SOURCED_FIELDS)


def export(*, people: Iterable[Person]) -> list[CitizenRecord]:
    """The node's people as the population database would know them (the simulator's data)."""
    out = []
    for p in people:
        out.append(
            CitizenRecord(
                personal_id=p.personal_id,
                full_name=p.full_name,
                birth_date=p.birth_date,
                sex=p.sex,
                other_names=p.other_names,
                birth_place=p.birth_place,
                home_town=p.home_town,
                ethnicity=p.ethnicity or "",
                religion=p.religion or "",
                nationality=p.nationality,
                marital_status=p.marital_status,
                permanent_residence=p.permanent_residence,
                current_residence=p.current_residence,
            )
        )
    event_record(
        actor=None,
        action=AuditAction.POPULATION,
        outcome=AuditOutcome.OK,
        detail={"code": "population_export", "count": len(out)},
    )
    return out


@dataclass
class Reconciliation:
    checked: int = 0
    proposed: list[int] = field(default_factory=list)  # change set ids
    unchanged: int = 0
    skipped_open: int = 0  # differences already proposed and still open
    failures: dict[str, int] = field(default_factory=dict)  # outcome code -> count


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()


def _differences(person: Person, record: CitizenRecord) -> list[tuple[str, str, Any]]:
    """(section, field, value) the population database says otherwise."""
    out = [
        ("identity", name, getattr(record, name))
        for name in RECONCILED_FIELDS
        if getattr(record, name) and getattr(record, name) != getattr(person, name)
    ]
    if record.death_date and person.status != StaffStatus.DECEASED:
        out.append(("employment", "status", str(StaffStatus.DECEASED)))
    return out


def _open(personal_id: str, name: str, digest: str) -> bool:
    return Difference.objects.filter(
        personal_id=personal_id,
        field=name,
        digest=digest,
        changeset__status__in=[ChangeStatus.PROPOSED, ChangeStatus.DRAFT],
    ).exists()


def reconcile(
    *,
    acting_user: Any,
    unit_code: str | None = None,
    connector: connectors.Connector | None = None,
) -> Reconciliation:
    """Compare the dossiers (of the unit ``unit_code``, or all) with the population database
    and propose one change set per dossier for its new differences; idempotent."""
    connector = connector or connectors.configured()
    people = person_queryset().order_by("personal_id")
    if unit_code:
        people = people.filter(current_unit__code=unit_code)
    result = Reconciliation()
    for person in people.iterator():
        result.checked += 1
        held = holds.refusal(person.personal_id)  # handed over: a read-only trace here
        if held is not None:
            code = held.problems[0].code if held.problems else held.code
            result.failures[code] = result.failures.get(code, 0) + 1
            continue
        outcome, _ = lookup(
            acting_user=acting_user,
            personal_id=person.personal_id,
            purpose=Purpose.RECONCILIATION,
            connector=connector,
        )
        if not isinstance(outcome, Found):
            result.failures[str(outcome.code)] = result.failures.get(str(outcome.code), 0) + 1
            continue
        fresh = []
        for section, name, value in _differences(person, outcome.record):
            if _open(person.personal_id, name, _digest(value)):
                result.skipped_open += 1
            else:
                fresh.append((section, name, value))
        if not fresh:
            result.unchanged += 1
            continue
        result.proposed.append(_propose(acting_user, person.personal_id, fresh).pk)
    return result


def _propose(acting_user: Any, personal_id: str, fresh: list[tuple[str, str, Any]]) -> ChangeSet:
    by_section: dict[str, dict[str, Any]] = {}
    for section, name, value in fresh:
        by_section.setdefault(section, {})[name] = value
    operations = [{"op": "set", "section": s, "values": v} for s, v in by_section.items()]
    with transaction.atomic():
        changeset = changeset_propose(
            acting_user=acting_user,
            personal_id=personal_id,
            operations=operations,
            source_kind=SourceKind.DECISION,
            source_note=SOURCE_NOTE,
        )
        Difference.objects.bulk_create(
            Difference(personal_id=personal_id, field=n, digest=_digest(v), changeset=changeset)
            for _, n, v in fresh
        )
    return changeset


def filled(operations: Any, outcome: Outcome) -> Any:
    """A creation's operations with the identity fields the population database gave: its
    answer wins over what was typed (R-POPULATION); any failure leaves them as typed."""
    if not isinstance(outcome, Found) or not isinstance(operations, list) or not operations:
        return operations
    first = operations[0]
    if not (isinstance(first, dict) and first.get("op") == "create"):
        return operations
    data = dict(first.get("data") or {})
    data["identity"] = {**dict(data.get("identity") or {}), **identity_values(outcome.record)}
    return [{**first, "data": data}, *operations[1:]]
