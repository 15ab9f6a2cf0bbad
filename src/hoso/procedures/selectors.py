"""Reading procedures: one through the dossier gate (audited), the work waiting for a user."""

from __future__ import annotations

from hoso.access import policies
from hoso.access.models import User
from hoso.core.errors import NotFound
from hoso.people.selectors import person_queryset
from hoso.procedures.definitions import type_def
from hoso.procedures.models import Procedure, ProcedureState


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
    waiting = []
    for procedure in running:
        step = type_def(procedure.procedure_type).step(procedure.current_step)
        path = units.get(procedure.personal_id)
        if path and policies.duty_covers(user, {step.duty}, path):
            waiting.append(procedure)
    return waiting
