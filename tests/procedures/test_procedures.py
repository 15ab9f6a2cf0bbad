"""Personnel procedures as signed, data-defined workflows (R-ONLINE-100, R-APPOINT-SAFE)."""

from datetime import date, timedelta

import pytest
from django.utils.timezone import localdate
from tests.eligibility.helpers import eligible
from tests.procedures.common import act as _act
from tests.procedures.common import documents_for

from hoso.access.models import Role
from hoso.access.services import role_assign, user_create
from hoso.audit.models import AuditAction, AuditEvent
from hoso.calendar.selectors import calendar
from hoso.changes.models import ChangeStatus, Obligation, PersonnelDecision
from hoso.changes.services.changesets import changeset_approve
from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError, NotFound, ValidationFailed
from hoso.people.models import Person
from hoso.procedures.models import Procedure, ProcedureState
from hoso.procedures.services import procedure_start, step_act, step_verify

POST = {"decision": {"position_code": "deputy_director_so"}}
VOTES = {"votes_for": 7, "votes_against": 1, "votes_abstain": 0}
DECISION = {"number": "12/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm"}


@pytest.fixture
def appointment(personas, make_dossier):
    person = make_dossier(**eligible("deputy_director_so"))
    return procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=person.personal_id,
        params=POST,
    )


def second_manager(orgs):
    """Another records manager (a signing key exists for «quanly2»): nobody approves their own."""
    account = user_create(
        acting_user=None, username="quanly2", password="x-Khong-dung-1", full_name="quanly2"
    )
    role_assign(
        acting_user=None,
        user=account,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    return account


def test_an_appointment_runs_every_step_signed_and_issues_the_decision(personas, orgs, appointment):
    p = personas
    steps = [
        _act(p["nhaplieu"], appointment, "appointment.proposal"),
        _act(p["quanly"], appointment, "appointment.planning"),
        _act(p["lanhdao"], appointment, "appointment.vote", data=VOTES),
        _act(p["quanly"], appointment, "appointment.eligibility"),
        _act(p["quanly"], appointment, "appointment.decision", data=DECISION),
    ]
    appointment.refresh_from_db()
    assert appointment.state == ProcedureState.DONE
    assert all(step_verify(s).valid for s in steps)
    assert steps[2].data["votes_for"] == 7
    assert isinstance(steps[3].data["verdict"], list)
    decision = PersonnelDecision.objects.get(pk=appointment.decision_id)
    assert decision.changeset.status == ChangeStatus.PROPOSED
    assert Obligation.objects.filter(source=f"decision:{decision.pk}").exists()
    # The dossier changes when the decision's change set is approved on the decision path.
    changeset_approve(acting_user=second_manager(orgs), changeset_id=decision.changeset_id)
    person = Person.objects.get(personal_id=appointment.personal_id)
    assert person.current_position_code == "deputy_director_so"
    assert AuditEvent.objects.filter(action=AuditAction.PROCEDURE).count() >= 6


def test_steps_are_in_order_by_their_duty_and_not_by_the_proposer(personas, appointment):
    p = personas
    with pytest.raises(DomainError) as caught:
        _act(p["quanly"], appointment, "appointment.vote", data=VOTES)
    assert caught.value.code == "procedure_step_out_of_order"
    _act(p["nhaplieu"], appointment, "appointment.proposal")
    with pytest.raises(DomainError) as caught:
        _act(p["thanhtra"], appointment, "appointment.planning")
    assert (caught.value.code, caught.value.status) == ("procedure_wrong_duty", 403)
    _act(p["quanly"], appointment, "appointment.planning")
    with pytest.raises(DomainError) as caught:
        _act(p["quanly"], appointment, "appointment.vote", data=VOTES)
    assert caught.value.status == 403  # a records manager holds no leader's duty


def test_the_proposer_cannot_approve_their_own_proposal(personas, orgs, appointment):
    proposer = personas["nhaplieu"]
    role_assign(
        acting_user=None,
        user=proposer,
        role=Role.RECORDS_MANAGER,
        organization=orgs["finance"],
        valid_from=date(2025, 7, 1),
    )
    _act(proposer, appointment, "appointment.proposal")
    with pytest.raises(DomainError) as caught:
        _act(proposer, appointment, "appointment.planning")
    assert (caught.value.code, caught.value.status) == ("procedure_own_proposal", 403)
    assert appointment.steps.count() == 1


def test_double_submission_is_idempotent_and_a_stale_revision_is_409(personas, appointment):
    first = _act(personas["nhaplieu"], appointment, "appointment.proposal", key="k1")
    again = step_act(
        acting_user=personas["nhaplieu"],
        procedure_id=appointment.pk,
        step_code="appointment.proposal",
        outcome="approve",
        revision=0,
        idempotency_key="k1",
    )
    assert again.pk == first.pk and appointment.steps.count() == 1
    with pytest.raises(DomainError) as caught:
        step_act(
            acting_user=personas["quanly"],
            procedure_id=appointment.pk,
            step_code="appointment.planning",
            outcome="approve",
            revision=0,
            idempotency_key="k2",
        )
    assert (caught.value.code, caught.value.status) == ("procedure_stale", 409)


def test_a_rejection_needs_its_reason_and_closes_the_procedure(personas, appointment):
    _act(personas["nhaplieu"], appointment, "appointment.proposal")
    with pytest.raises(ValidationFailed) as caught:
        _act(personas["quanly"], appointment, "appointment.planning", outcome="reject")
    assert caught.value.problems[0].code == "procedure_reason_required"
    step = _act(
        personas["quanly"],
        appointment,
        "appointment.planning",
        outcome="reject",
        reason="Không có tên trong quy hoạch",
    )
    appointment.refresh_from_db()
    assert appointment.state == ProcedureState.REJECTED and step.reason
    with pytest.raises(DomainError) as caught:
        _act(personas["lanhdao"], appointment, "appointment.vote", data=VOTES)
    assert caught.value.code == "procedure_closed"


def test_a_vote_without_its_counts_is_refused(personas, appointment):
    _act(personas["nhaplieu"], appointment, "appointment.proposal")
    _act(personas["quanly"], appointment, "appointment.planning")
    with pytest.raises(ValidationFailed) as caught:
        _act(personas["lanhdao"], appointment, "appointment.vote", data={"votes_for": -1})
    assert {p.field for p in caught.value.problems} == {
        "votes_for",
        "votes_against",
        "votes_abstain",
    }


def test_deadlines_count_working_days_over_a_holiday(personas, make_dossier):
    person = make_dossier()
    before_tet = date(2026, 2, 13)
    procedure = procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=person.personal_id,
        params=POST,
        today=before_tet,
    )
    assert procedure.current_due == calendar().add_working_days(before_tet, 5)
    assert (procedure.current_due - before_tet).days > 7  # Tết is not counted
    step = step_act(
        acting_user=personas["nhaplieu"],
        procedure_id=procedure.pk,
        step_code="appointment.proposal",
        outcome="approve",
        revision=0,
        idempotency_key="late",
        data={"documents": documents_for(personas["nhaplieu"], procedure, "appointment.proposal")},
        today=procedure.current_due + timedelta(days=1),
    )
    assert step.overdue


def test_a_stranger_cannot_start_a_procedure(personas, make_dossier):
    person = make_dossier()
    with pytest.raises(NotFound):
        procedure_start(
            acting_user=personas["ngoai"],
            procedure_type="appointment",
            personal_id=person.personal_id,
            params=POST,
            today=local_today(),
        )
    with pytest.raises(ValidationFailed):
        procedure_start(
            acting_user=personas["nhaplieu"],
            procedure_type="nope",
            personal_id=person.personal_id,
            params=POST,
        )


def test_the_demo_procedures_are_in_progress_and_one_is_overdue(personas, make_dossier):
    from hoso.demo.procedures import procedures_for

    people = [make_dossier().personal_id for _ in range(3)]
    today = local_today()
    assert procedures_for(people, today, personas["nhaplieu"], personas["quanly"]) == 3
    running = Procedure.objects.filter(state=ProcedureState.RUNNING)
    assert running.count() == 3
    assert sum(p.current_due < today for p in running) == 1
    # Each was opened as long ago as its deadlines say: the overdue one a month ago, so its
    # start date and its days in step agree with the deadline it missed.
    started = sorted(localdate(p.started_at) for p in running)
    assert started == [today - timedelta(days=d) for d in (30, 3, 1)]


def test_an_ineligible_person_is_refused_at_the_eligibility_step_with_reasons(
    personas, orgs, appointment
):
    from hoso.changes.services.decisions import decision_register

    today = local_today()
    discipline = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="discipline",
        number="21/QĐ-KL",
        signed_date=today - timedelta(days=10),
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=today - timedelta(days=9),
        effective_date=today - timedelta(days=10),
        personal_id=appointment.personal_id,
        parameters={"form_code": "reprimand", "reason": "Vi phạm quy chế làm việc"},
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=discipline.changeset_id)
    _act(personas["nhaplieu"], appointment, "appointment.proposal")
    _act(personas["quanly"], appointment, "appointment.planning")
    _act(personas["lanhdao"], appointment, "appointment.vote", data=VOTES)
    with pytest.raises(ValidationFailed) as caught:
        _act(personas["quanly"], appointment, "appointment.eligibility")
    assert caught.value.problems
    assert all(p.code.startswith("ineligible_") and p.message for p in caught.value.problems)
    assert appointment.steps.count() == 3  # nothing written


def test_a_stranger_acting_on_a_step_learns_nothing_of_the_procedure(personas, appointment):
    """A clerk of another unit sees a procedure about a dossier outside their duties as a
    missing one, whatever they send: a replayed key, a stale revision, a wrong step."""
    first = _act(personas["nhaplieu"], appointment, "appointment.proposal", key="k1")
    for step, revision, key in (
        ("appointment.proposal", 0, "k1"),  # replay of the clerk's key
        ("appointment.planning", 0, "k9"),  # stale revision
        ("appointment.vote", 1, "k9"),  # out of order
    ):
        with pytest.raises(NotFound):
            step_act(
                acting_user=personas["ngoai"],
                procedure_id=appointment.pk,
                step_code=step,
                outcome="approve",
                revision=revision,
                idempotency_key=key,
            )
    assert list(appointment.steps.all()) == [first]
