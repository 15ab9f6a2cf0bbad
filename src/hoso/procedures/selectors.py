"""Reading procedures: one through the dossier gate (audited), the work waiting for a user,
and the units' public aggregate figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q
from django.utils.timezone import localdate

from hoso.access import policies
from hoso.access.models import Role, User
from hoso.calendar.selectors import calendar
from hoso.core.errors import NotFound
from hoso.people.selectors import person_queryset
from hoso.procedures.definitions import type_def
from hoso.procedures.models import Procedure, ProcedureState, ProcedureStep


def procedure_read(user: User, procedure_id: int) -> Procedure:
    """The procedure with its steps, if `user` may open the person's dossier (the read is
    audited by the gate); otherwise the same `NotFound` as a missing one."""
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        raise NotFound()
    policies.dossier_for(user, procedure.personal_id)
    return procedure


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
