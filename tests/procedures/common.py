"""Procedures shared by the tests of several areas."""

from hoso.procedures.services import procedure_start, step_act

POST = {"decision": {"position_code": "deputy_director_so"}}


def proposed_appointments(personas, make_dossier, n):
    """`n` new dossiers, each with an appointment whose proposal step the clerk has done."""
    people = [make_dossier() for _ in range(n)]
    for person in people:
        procedure = procedure_start(
            acting_user=personas["nhaplieu"],
            procedure_type="appointment",
            personal_id=person.personal_id,
            params=POST,
        )
        step_act(
            acting_user=personas["nhaplieu"],
            procedure_id=procedure.pk,
            step_code="appointment.proposal",
            outcome="approve",
            revision=procedure.revision,
            idempotency_key="proposal",
        )
    return people
