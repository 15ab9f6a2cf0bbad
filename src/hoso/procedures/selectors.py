"""Reading procedures: one through the dossier gate (audited), the work waiting for a user,
and the units' public aggregate figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q
from django.utils.timezone import localdate

from hoso.access import policies
from hoso.access.models import Role, User
from hoso.calendar.selectors import calendar
from hoso.catalog.selectors import entries
from hoso.core.dates import today as local_today
from hoso.core.errors import NotFound
from hoso.eligibility.engine import evaluate
from hoso.people.models import Person
from hoso.people.selectors import person_queryset
from hoso.procedures.definitions import CATALOG, type_def
from hoso.procedures.models import Procedure, ProcedureDocument, ProcedureState, ProcedureStep

LIST_LIMIT = 200


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
    return [
        {
            "rule": r.rule,
            "label": r.label,
            "citation": r.citation,
            "passed": r.passed,
            "facts": r.facts,
            "until": r.until.isoformat() if r.until else None,
            "message": r.message,
        }
        for r in verdict.reasons
    ]
