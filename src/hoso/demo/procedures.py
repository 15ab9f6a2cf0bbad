"""The personnel procedures of a demo node (R-ONLINE-100): appointments in progress at
different steps, one of them past its step's deadline — started and signed by the demo's
clerk and records manager through `procedures.services`, as they would be."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TextIO

from hoso.access.models import User
from hoso.demo.plan import snv_people
from hoso.procedures.definitions import type_def
from hoso.procedures.models import Procedure
from hoso.procedures.services import document_attach, procedure_start, step_act

POST = {"decision": {"position_code": "deputy_director_so"}}
# (days ago started, steps done after the proposal by the records manager)
PLAN = ((30, 0), (3, 1), (1, 0))


def a_pdf(title: str = "To trinh") -> bytes:
    """A one-page A4 PDF naming the document (the demo's stand-in for the real one)."""
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont="/Helvetica"
        )
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _documents(user: User, procedure: Procedure, step_code: str) -> dict[str, int]:
    """Each document the step requires, PAdES-signed by `user`: their ids for the step."""
    step = type_def(procedure.procedure_type).step(step_code)
    return {
        code: document_attach(
            acting_user=user,
            procedure_id=procedure.pk,
            step_code=step_code,
            code=code,
            filename=f"{code}.pdf",
            content=[a_pdf(f"{code} - ho so {procedure.personal_id}")],
        ).pk
        for code in step.documents
    }


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
                data={"documents": _documents(clerk, procedure, "appointment.proposal")},
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
                data={"documents": _documents(manager, procedure, "appointment.planning")},
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
