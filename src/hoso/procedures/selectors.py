"""Reading procedures: one through the dossier gate (audited), the work waiting for a user,
the units' public aggregate figures and citizens' ratings, and the leaders' and auditors'
real-time view of the work (aggregates; no dossier content)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.utils.timezone import localdate

from hoso.access import policies, recorder
from hoso.access.duties import active_assignments, duties_holding
from hoso.access.models import Role, User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.calendar.selectors import calendar
from hoso.catalog.selectors import entries
from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError, NotFound
from hoso.documents.errors import StorageError
from hoso.documents.storage import read_bytes
from hoso.eligibility.engine import evaluate
from hoso.orgs.models import Organization
from hoso.people.models import Person
from hoso.people.selectors import person_queryset
from hoso.procedures.definitions import CATALOG, StepDef, TypeDef, type_def, type_defs
from hoso.procedures.models import (
    Procedure,
    ProcedureDocument,
    ProcedureState,
    ProcedureStep,
    ServiceFeedback,
)

LIST_LIMIT = 200
# A step's document is a paper of the person's career (NĐ 27 groups 4 and 6: a proposal, the
# minutes, the decision), not sensitive data: a reader who may see the whole dossier up to
# "personal" may take it — the leaders who vote and the auditors as well as records staff.
DOCUMENT_SENSITIVITY = "personal"


def procedure_open(user: User, procedure_id: int) -> tuple[Procedure, policies.DossierAccess]:
    """The procedure and the gate's decision on the person's dossier (the read is audited by
    the gate), or the same `NotFound` as a missing one."""
    procedure = Procedure.objects.select_related("started_by").filter(pk=procedure_id).first()
    if procedure is None:
        raise NotFound()
    return procedure, policies.dossier_access(user, procedure.personal_id)


def procedure_read(user: User, procedure_id: int) -> Procedure:
    """The procedure with its steps, if `user` may open the person's dossier (the read is
    audited by the gate); otherwise the same `NotFound` as a missing one."""
    return procedure_open(user, procedure_id)[0]


def type_choices() -> list[tuple[str, str]]:
    """The procedure types (code, name), in catalog order."""
    rows = entries(CATALOG).order_by("sort_order", "pk").values_list("code", "name", "parent_code")
    return [(code, name) for code, name, parent in rows if not parent]


def may_start(user: User, person: Person) -> list[str]:
    """The procedure types whose first step a duty of `user` owns over `person`'s unit: who
    may start them (the start asks the write gate again)."""
    if person.current_unit is None:
        return []
    return [
        code
        for code, _name in type_choices()
        if policies.duty_covers(user, {type_def(code).steps[0].duty}, person.current_unit.path)
    ]


def may_act(user: User, procedure: Procedure) -> bool:
    """Whether a duty of `user` owns the current step over the person's unit (the form; the
    service decides again, and refuses the proposer)."""
    if procedure.state != ProcedureState.RUNNING:
        return False
    step = type_def(procedure.procedure_type).step(procedure.current_step)
    path = (
        person_queryset()
        .filter(personal_id=procedure.personal_id)
        .values_list("current_unit__path", flat=True)
        .first()
    )
    return bool(path) and policies.duty_covers(user, {step.duty}, path)


def procedures_listed(user: User, *, procedure_type: str = "", state: str = "") -> list[Procedure]:
    """The procedures about people `user` may list (the units of their duties, a grant),
    newest first, each with `person_name` and `unit_name` set for the page."""
    found = Procedure.objects.all()
    if procedure_type:
        found = found.filter(procedure_type=procedure_type)
    if state:
        found = found.filter(state=state)
    return with_people(user, list(found[:LIST_LIMIT]))


def with_people(user: User, procedures: list[Procedure]) -> list[Procedure]:
    """`procedures` about people `user` may list, each with `person_name` and `unit_name`."""
    people = {
        p["personal_id"]: p
        for p in person_queryset()
        .filter(policies.people_scope(user))
        .filter(personal_id__in={p.personal_id for p in procedures})
        .values("personal_id", "full_name", "current_unit__name")
    }
    shown = []
    for procedure in procedures:
        person = people.get(procedure.personal_id)
        if person is None:
            continue
        procedure.person_name = person["full_name"]  # type: ignore[attr-defined]
        procedure.unit_name = person["current_unit__name"]  # type: ignore[attr-defined]
        shown.append(procedure)
    return shown


def procedures_waiting(user: User) -> list[Procedure]:
    """Running procedures whose current step a duty of `user` owns over the person's unit."""
    running = list(Procedure.objects.filter(state=ProcedureState.RUNNING))
    units = dict(
        person_queryset()
        .filter(personal_id__in={p.personal_id for p in running})
        .values_list("personal_id", "current_unit__path")
    )
    roles = policies.roles_of(user)
    waiting = []
    for procedure in running:
        step = type_def(procedure.procedure_type).step(procedure.current_step)
        path = units.get(procedure.personal_id)
        if step.duty == Role.EMPLOYEE:  # a self-service step waits for the person only
            if procedure.personal_id == user.personal_id and Role.EMPLOYEE in roles:
                waiting.append(procedure)
        elif path and policies.duty_covers(user, {step.duty}, path):
            waiting.append(procedure)
    return waiting


def service_figures(min_count: int) -> list[dict[str, Any]]:
    """Each unit's aggregate service figures for the public page (R-TRANSPARENT): procedures
    finished and running, the mean working days from start to decision, the share of steps
    done within their deadline. Aggregates only, and only for a unit with at least
    `min_count` procedures, so a figure never points at one person."""
    by_unit: dict[str, dict[str, Any]] = {}
    for unit, state, n in (
        Procedure.objects.values_list("unit_code", "state").annotate(n=Count("pk")).order_by()
    ):
        row = by_unit.setdefault(unit, {"unit_code": unit, "done": 0, "running": 0, "total": 0})
        row["total"] += n
        if state == ProcedureState.DONE:
            row["done"] += n
        elif state == ProcedureState.RUNNING:
            row["running"] += n
    shown = {u: r for u, r in by_unit.items() if r["total"] >= min_count}
    steps = (
        ProcedureStep.objects.filter(procedure__unit_code__in=shown)
        .values_list("procedure__unit_code")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(overdue=False)))
        .order_by()
    )
    for unit, n, on_time in steps:
        shown[unit]["on_time_percent"] = 100 * on_time / n if n else None
    days = calendar()
    finished = (
        Procedure.objects.filter(unit_code__in=shown, state=ProcedureState.DONE)
        .annotate(ended=Max("steps__acted_at"))
        .values_list("unit_code", "started_at", "ended")
    )
    spans: dict[str, list[int]] = {}
    for unit, started, ended in finished:
        spans.setdefault(unit, []).append(
            days.working_days_between(localdate(started), localdate(ended))
        )
    for unit, row in shown.items():
        row.setdefault("on_time_percent", None)
        values = spans.get(unit)
        row["mean_working_days"] = sum(values) / len(values) if values else None
    return sorted(shown.values(), key=lambda r: r["unit_code"])


def documents_signed(procedure_id: int, ids: dict[int, str]) -> dict[str, ProcedureDocument]:
    """The documents of `procedure_id` among `ids` ({id: code}), by code (a form's earlier
    try keeps them by id)."""
    found = ProcedureDocument.objects.filter(procedure_id=procedure_id, pk__in=ids)
    return {d.code: d for d in found if ids.get(d.pk) == d.code}


def step_documents_of(procedure: Procedure) -> dict[int, ProcedureDocument]:
    """The documents of `procedure`, by id (the history shows those its steps name)."""
    return {d.pk: d for d in ProcedureDocument.objects.filter(procedure=procedure)}


@dataclass(frozen=True)
class SignedDocument:
    """A step's document as signed: the exact bytes whose SHA-256 the step's record signs."""

    content: bytes
    filename: str
    sha256: str
    document: ProcedureDocument


def _document_denied(user: User, procedure: Procedure, document_id: int) -> NotFound:
    with transaction.atomic():  # kept although the caller then raises
        recorder.record(
            user=user,
            action=AuditAction.DOCUMENT_SERVE,
            outcome=AuditOutcome.DENY,
            personal_id=procedure.personal_id,
            purpose=Purpose.DOCUMENTS_COPY,
            detail={"procedure": procedure.pk, "procedure_document": document_id},
        )
    return NotFound()


def document_open(user: User, procedure_id: int, document_id: int) -> SignedDocument:
    """The signed PDF `document_id` of procedure `procedure_id`, decrypted from storage.

    Invariants: the dossier gate decides first (audited); the document must be this
    procedure's and the reader see the dossier up to `DOCUMENT_SENSITIVITY`, else the same
    `NotFound` as a missing one, the refusal audited; the bytes are served as signed, never
    re-written (a stamp would break the PAdES signature and the SHA-256 the step's record
    signs), so the audit event DOCUMENT_SERVE names who took which hash; bytes whose hash
    differs from the recorded one are refused (`procedure_document_damaged`, 409)."""
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        raise NotFound()
    access = policies.dossier_access(user, procedure.personal_id, Purpose.DOCUMENTS_COPY)
    document = ProcedureDocument.objects.filter(pk=document_id, procedure=procedure).first()
    if document is None or not access.can_see_document(DOCUMENT_SENSITIVITY):
        raise _document_denied(user, procedure, document_id)
    try:
        content = read_bytes(document.key)
    except StorageError:
        content = b""
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DomainError(
            code="procedure_document_damaged",
            message="Tệp lưu trữ của tài liệu không còn nguyên vẹn (không khớp mã băm đã ký); "
            "báo quản trị hệ thống kiểm tra.",
            status=409,
        )
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.DOCUMENT_SERVE,
            outcome=AuditOutcome.ALLOW,
            personal_id=procedure.personal_id,
            purpose=Purpose.DOCUMENTS_COPY,
            detail={
                "procedure": procedure.pk,
                "procedure_document": document.pk,
                "code": document.code,
                "step": document.step_code,
                "sha256": document.sha256,
                "size": len(content),
            },
        )
    filename = f"quy-trinh-{procedure.pk}-{document.code}-{document.pk}.pdf"
    return SignedDocument(content, filename, document.sha256, document)


def eligibility_today(user: User, procedure: Procedure) -> list[dict[str, Any]]:
    """The reasons the eligibility engine gives today for the current step's action, the
    verdict an approval would store (shown before signing; empty when the step checks none)."""
    if procedure.state != ProcedureState.RUNNING:
        return []
    step = type_def(procedure.procedure_type).step(procedure.current_step)
    person = person_queryset().filter(personal_id=procedure.personal_id).first()
    if not step.eligibility or person is None:
        return []
    position = procedure.params.get("decision", {}).get("position_code") or None
    verdict = evaluate(person, step.eligibility, local_today(), position=position, acting_user=user)
    return verdict.reasons_data()


# --- The real-time view of the work (R-EVAL-REALTIME, issue 12 item 3) -----------------------


@dataclass(frozen=True)
class WorkScope:
    """Whose work a reader of the dashboard sees: every unit (an auditor), or the subtrees of
    their leader duties."""

    everything: bool
    paths: tuple[str, ...] = ()

    def units(self) -> dict[str, str]:
        """Code → path of every unit inside the scope (one query)."""
        qs = Organization.objects.all()
        if not self.everything:
            covered = Q(pk__in=[])
            for path in self.paths:
                covered |= Q(path__startswith=path)
            qs = qs.filter(covered)
        return dict(qs.values_list("code", "path"))


def work_scope(user: User) -> WorkScope | None:
    """An auditor's duty shows every unit of the node, a leader's the subtree of each unit they
    lead; anyone else sees no dashboard (None)."""
    duties = [d for d in active_assignments(user) if d.organization is not None]
    if any(d.role == Role.AUDITOR for d in duties):
        return WorkScope(everything=True)
    paths = tuple(sorted({d.organization.path for d in duties if d.role == Role.LEADER}))
    return WorkScope(everything=False, paths=paths) if paths else None


@dataclass
class StepRow:
    """Running procedures waiting at one step of one type in one unit."""

    unit_code: str
    type_name: str
    step_name: str
    duty: str
    running: int = 0
    overdue: int = 0
    days: list[int] = field(default_factory=list)  # working days in the step, each procedure

    @property
    def mean_days(self) -> float:
        return sum(self.days) / len(self.days) if self.days else 0.0

    @property
    def max_days(self) -> int:
        return max(self.days, default=0)


@dataclass(frozen=True)
class LateStep:
    """A running procedure whose step's deadline has passed: what to drill down to."""

    procedure_id: int
    unit_code: str
    type_name: str
    step_name: str
    duty: str
    due: date
    days_late: int  # working days after the deadline, up to today
    days_in_step: int


@dataclass
class TypeRow:
    code: str
    name: str
    running: int = 0
    done: int = 0
    rejected: int = 0
    done_this_year: int = 0
    spans: list[int] = field(default_factory=list)  # working days from start to decision

    @property
    def mean_days(self) -> float | None:
        return sum(self.spans) / len(self.spans) if self.spans else None


@dataclass
class OfficerRow:
    """An officer's work in the scope: waiting at steps their duty owns, and steps done."""

    username: str
    full_name: str
    waiting: int = 0
    waiting_overdue: int = 0
    acted: int = 0
    acted_late: int = 0

    @property
    def on_time_percent(self) -> float | None:
        return 100 * (self.acted - self.acted_late) / self.acted if self.acted else None


@dataclass
class UnitRow:
    code: str
    running: int = 0
    overdue: int = 0
    steps: int = 0
    steps_on_time: int = 0

    @property
    def on_time_percent(self) -> float | None:
        return 100 * self.steps_on_time / self.steps if self.steps else None


@dataclass
class WorkView:
    today: date
    steps: list[StepRow]
    late: list[LateStep]
    types: list[TypeRow]
    officers: list[OfficerRow]
    units: list[UnitRow]

    @property
    def running(self) -> int:
        return sum(r.running for r in self.steps)

    @property
    def overdue(self) -> int:
        return len(self.late)


def _step_of(defs: dict[str, TypeDef], procedure_type: str, step_code: str) -> StepDef | None:
    definition = defs.get(procedure_type)
    return next((s for s in definition.steps if s.code == step_code), None) if definition else None


def work_view(scope: WorkScope, today: date | None = None) -> WorkView:
    """The work inside `scope` as of `today`: running procedures per unit and step with the
    working days spent in the step, the steps past their deadline (a deadline is its last
    working day: overdue from the next day), per type the throughput and the mean working days
    to a decision, per officer the backlog their duties own and their lateness, per unit the
    share of steps done within their deadline. A fixed number of queries, whatever the data."""
    today = today or localdate()
    units = scope.units()
    defs = type_defs()
    days = calendar()
    procedures = (
        Procedure.objects.filter(unit_code__in=units)
        .annotate(last_act=Max("steps__acted_at"))
        .values_list(
            "pk",
            "procedure_type",
            "unit_code",
            "state",
            "current_step",
            "current_due",
            "started_at",
            "last_act",
        )
        .order_by("pk")
    )
    steps: dict[tuple[str, str, str], StepRow] = {}
    types: dict[str, TypeRow] = {}
    by_unit: dict[str, UnitRow] = {}
    late: list[LateStep] = []
    waiting: list[tuple[str, str, bool]] = []  # (duty, unit path, overdue) of each running one
    for pk, kind, unit, state, step_code, due, started, last_act in procedures:
        definition = defs.get(kind)
        trow = types.setdefault(kind, TypeRow(kind, definition.name if definition else kind))
        urow = by_unit.setdefault(unit, UnitRow(unit))
        if state == ProcedureState.DONE:
            trow.done += 1
            ended = localdate(last_act or started)
            trow.done_this_year += ended.year == today.year
            trow.spans.append(days.working_days_between(localdate(started), ended))
            continue
        if state == ProcedureState.REJECTED:
            trow.rejected += 1
            continue
        trow.running += 1
        urow.running += 1
        step = _step_of(defs, kind, step_code)
        since = localdate(last_act or started)
        in_step = days.working_days_between(since, today) if today >= since else 0
        row = steps.setdefault(
            (unit, kind, step_code),
            StepRow(
                unit,
                trow.name,
                step.name if step else step_code,
                step.duty if step else "",
            ),
        )
        row.running += 1
        row.days.append(in_step)
        overdue = due is not None and today > due
        if overdue:
            row.overdue += 1
            urow.overdue += 1
            late.append(
                LateStep(
                    pk,
                    unit,
                    trow.name,
                    row.step_name,
                    row.duty,
                    due,
                    days.working_days_between(due, today),
                    in_step,
                )
            )
        if step is not None:
            waiting.append((step.duty, units[unit], overdue))
    acted = (
        ProcedureStep.objects.filter(procedure__unit_code__in=units)
        .values_list("procedure__unit_code", "actor__username", "actor__full_name")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(overdue=True)))
        .order_by()
    )
    officers: dict[str, OfficerRow] = {}
    for unit, username, full_name, n, n_late in acted:
        officer = officers.setdefault(username, OfficerRow(username, full_name))
        officer.acted += n
        officer.acted_late += n_late
        urow = by_unit.setdefault(unit, UnitRow(unit))
        urow.steps += n
        urow.steps_on_time += n - n_late
    _backlog(officers, waiting, today)
    return WorkView(
        today=today,
        steps=sorted(steps.values(), key=lambda r: (r.unit_code, r.type_name, r.step_name)),
        late=sorted(late, key=lambda s: (s.due, s.procedure_id)),
        types=sorted(types.values(), key=lambda r: r.name),
        officers=sorted(officers.values(), key=lambda o: (-o.waiting, -o.acted_late, o.username)),
        units=sorted(by_unit.values(), key=lambda r: r.code),
    )


def _backlog(
    officers: dict[str, OfficerRow], waiting: list[tuple[str, str, bool]], today: date
) -> None:
    """Count each running procedure for every officer whose duty owns its step over its unit
    (the same rule `step_act` asks: `duty_covers`), from one read of the duties."""
    if not waiting:
        return
    holders = duties_holding({duty for duty, _path, _late in waiting}, today)
    for duty, path, overdue in waiting:
        owners = {
            h.user
            for h in holders
            if h.role == duty and h.organization and path.startswith(h.organization.path)
        }
        for user in owners:
            officer = officers.setdefault(
                user.get_username(), OfficerRow(user.get_username(), user.full_name)
            )
            officer.waiting += 1
            officer.waiting_overdue += overdue


def feedback_figures(min_count: int, unit_codes: Iterable[str] | None = None) -> dict[str, Any]:
    """Per unit, citizens' mean rating and number of answers (R-TRANSPARENT), only for a unit
    with at least `min_count` answers; `unit_codes` keeps those units (a dashboard's scope)."""
    qs = ServiceFeedback.objects.all()
    if unit_codes is not None:
        qs = qs.filter(unit_code__in=list(unit_codes))
    rows = qs.values_list("unit_code").annotate(n=Count("pk"), mean=Avg("rating")).order_by()
    return {
        unit: {"count": n, "mean_rating": float(mean)} for unit, n, mean in rows if n >= min_count
    }
