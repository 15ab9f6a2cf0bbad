"""The personnel procedures of a demo node (R-ONLINE-100): appointments in progress at
different steps, one of them past its step's deadline — started and signed by the demo's
clerk and records manager through `procedures.services`, as they would be."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TextIO

from hoso.access.models import User
from hoso.demo.plan import snv_people
from hoso.procedures.models import Procedure
from hoso.procedures.services import procedure_start, step_act

POST = {"decision": {"position_code": "deputy_director_so"}}
# (days ago started, steps done after the proposal by the records manager)
PLAN = ((30, 0), (3, 1), (1, 0))


def procedures_for(people: list[str], today: date, clerk: User, manager: User) -> int:
    """Start one appointment per person of `people` following PLAN; returns how many."""
    made = 0
    for pid, (days_ago, planning_done) in zip(people, PLAN, strict=False):
        started = today - timedelta(days=days_ago)
        procedure = procedure_start(
            acting_user=clerk,
            procedure_type="appointment",
            personal_id=pid,
            params=POST,
            today=started,
        )
        if days_ago < 30:  # the oldest waits on its proposal, past the deadline
            step_act(
                acting_user=clerk,
                procedure_id=procedure.pk,
                step_code="appointment.proposal",
                outcome="approve",
                revision=0,
                idempotency_key="demo-proposal",
                today=started,
            )
        if planning_done:
            step_act(
                acting_user=manager,
                procedure_id=procedure.pk,
                step_code="appointment.planning",
                outcome="approve",
                revision=1,
                idempotency_key="demo-planning",
                today=today,
            )
        made += 1
    return made


def procedures_create(today: date, out: TextIO) -> int:
    """Start the demo's procedures once (idempotent)."""
    if Procedure.objects.exists():
        return 0
    out.write("Khởi tạo các quy trình bổ nhiệm đang thực hiện…\n")
    clerk = User.objects.get(username="nhaplieu")
    manager = User.objects.get(username="quanly")
    return procedures_for(snv_people(10)[3:6], today, clerk, manager)
