"""Procedures shared by the tests of several areas: a PDF to attach, acting on a step with the
documents it requires (each PAdES-signed by the actor), proposed appointments."""

from tests.eligibility.helpers import eligible

from hoso.demo.procedures import a_pdf
from hoso.procedures.definitions import type_def
from hoso.procedures.services import document_attach, procedure_start, step_act

POST = {"decision": {"position_code": "deputy_director_so"}}


def documents_for(user, procedure, step_code):
    """Upload each document the step requires, as `user`; their ids for the step's data."""
    step = type_def(procedure.procedure_type).step(step_code)
    return {
        code: document_attach(
            acting_user=user,
            procedure_id=procedure.pk,
            step_code=step_code,
            code=code,
            filename=f"{code}.pdf",
            content=[a_pdf(code)],
        ).pk
        for code in step.documents
    }


def act(user, procedure, step_code, outcome="approve", key=None, data=None, **kwargs):
    """Act on the current step as `user`, with the documents an approval requires."""
    procedure.refresh_from_db()
    data = dict(data or {})
    if outcome == "approve":
        data.setdefault("documents", documents_for(user, procedure, step_code))
    return step_act(
        acting_user=user,
        procedure_id=procedure.pk,
        step_code=step_code,
        outcome=outcome,
        revision=procedure.revision,
        idempotency_key=key or f"{step_code}-{outcome}",
        data=data,
        **kwargs,
    )


def proposed_appointments(personas, make_dossier, n):
    """`n` new dossiers, each with an appointment whose proposal step the clerk has done."""
    people = [make_dossier(**eligible(POST["decision"]["position_code"])) for _ in range(n)]
    for person in people:
        procedure = procedure_start(
            acting_user=personas["nhaplieu"],
            procedure_type="appointment",
            personal_id=person.personal_id,
            params=POST,
        )
        act(personas["nhaplieu"], procedure, "appointment.proposal", key="proposal")
    return people
