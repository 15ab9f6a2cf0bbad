"""Succession planning as a workflow (R-ONLINE-100, R-APPOINT-SAFE; issue 12): an addition to the
planning of a term and a removal with its reason, each step by its duty, signed, eligibility
(`action=planning`) at the proposal and at the decision, the decision through the decision path."""

import json
from datetime import date

import pytest
from tests.eligibility.helpers import legal, planning
from tests.procedures.common import act
from tests.procedures.test_procedures import second_manager

from hoso.audit.models import AuditAction, AuditEvent
from hoso.catalog.selectors import attrs_of
from hoso.changes.models import PersonnelDecision
from hoso.changes.services.changesets import changeset_approve, current_data
from hoso.changes.services.decisions import decision_register
from hoso.core.errors import ValidationFailed
from hoso.procedures.models import Procedure, ProcedureState
from hoso.procedures.planning import planning_list
from hoso.procedures.services import procedure_start, step_verify

pytestmark = pytest.mark.django_db

POST = "head_division_provincial"
TERM = "2026-2031"
ADD = {"decision": {"position_code": POST, "term": TERM}}
REMOVE = {"decision": {"position_code": POST, "removal_reason": "Bị kỷ luật khiển trách"}}
NOTE = {"note": "Hoàn thành xuất sắc nhiệm vụ ba năm liền"}
VOTES = {"votes_for": 9, "votes_against": 0, "votes_abstain": 1}
DECISION = {"number": "45/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm"}
START = date(2026, 11, 30)  # a Monday


def start(personas, person, procedure_type="planning", params=ADD, today=START):
    return procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type=procedure_type,
        personal_id=person.personal_id,
        params=params,
        today=today,
    )


def refused_codes(caught):
    return {p.code for p in caught.value.problems}


def test_an_addition_runs_each_step_signed_and_puts_the_person_in_the_planning(
    personas, orgs, make_dossier
):
    p = personas
    person = make_dossier()
    procedure = start(p, person)
    steps = [
        act(p["nhaplieu"], procedure, "planning.proposal", data=NOTE, today=START),
        act(p["lanhdao"], procedure, "planning.vote", data=VOTES, today=START),
        act(
            p["quanly"],
            procedure,
            "planning.decision",
            data={**DECISION, "effective_date": "2026-12-01"},
            today=date(2026, 12, 1),
        ),
    ]
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.DONE
    assert all(step_verify(s).valid for s in steps)
    # Eligibility asked at the proposal and again at the decision, each verdict kept signed.
    for step in (steps[0], steps[2]):
        rules = {r["rule"] for r in step.data["verdict"]}
        assert {"in_service", "discipline_restriction", "suspended_sentence"} <= rules
        assert all(r["citation"] for r in step.data["verdict"])
    assert set(steps[2].data["documents"]) == {"danh_sach_quy_hoach", "quyet_dinh"}
    decision = PersonnelDecision.objects.get(pk=procedure.decision_id)
    assert decision.decision_type == "planning"
    assert json.loads(decision.parameters) == {"position_code": POST, "term": TERM}
    changeset_approve(acting_user=second_manager(orgs), changeset_id=decision.changeset_id)
    (row,) = current_data(person.personal_id, acting_user=None)["planning"]
    assert (row["term"], row["position_code"], row["from_date"], row["decision_number"]) == (
        TERM,
        POST,
        "2026-12-01",
        "45/QĐ-UBND",
    )
    assert AuditEvent.objects.filter(action=AuditAction.PROCEDURE).count() >= 4


def test_a_removal_ends_the_place_with_its_reason(personas, orgs, make_dossier):
    p = personas
    person = make_dossier(planning=[planning(POST, "2026-01-05")])
    procedure = start(p, person, "planning_removal", REMOVE)
    act(p["nhaplieu"], procedure, "planning_removal.proposal", data=NOTE, today=START)
    act(p["lanhdao"], procedure, "planning_removal.vote", data=VOTES, today=START)
    act(
        p["quanly"],
        procedure,
        "planning_removal.decision",
        data={**DECISION, "effective_date": "2026-12-01"},
        today=date(2026, 12, 1),
    )
    decision = PersonnelDecision.objects.get(pk=Procedure.objects.get(pk=procedure.pk).decision_id)
    assert decision.decision_type == "planning_removal"
    changeset_approve(acting_user=second_manager(orgs), changeset_id=decision.changeset_id)
    (row,) = current_data(person.personal_id, acting_user=None)["planning"]
    assert (row["to_date"], row["removal_reason"]) == ("2026-11-30", "Bị kỷ luật khiển trách")


def test_a_person_under_discipline_is_refused_at_the_proposal_with_the_citation(
    personas, make_dossier
):
    person = make_dossier(
        discipline=[
            {
                "decision_date": "2026-04-01",
                "form_code": "reprimand",
                "reason": "Vi phạm quy chế",
                "effect_from": "2026-04-01",
            }
        ]
    )
    procedure = start(personas, person)
    with pytest.raises(ValidationFailed) as caught:
        act(personas["nhaplieu"], procedure, "planning.proposal", data=NOTE, today=START)
    (problem,) = caught.value.problems
    assert problem.code == "ineligible_discipline_restriction"
    assert "01/04/2027" in problem.message  # the 12 months of a reprimand end then
    procedure.refresh_from_db()
    assert (procedure.current_step, procedure.revision) == ("planning.proposal", 0)
    assert not procedure.steps.exists()


def test_a_sentence_begun_after_the_proposal_refuses_the_decision(personas, make_dossier):
    p = personas
    person = make_dossier(legal_records=[legal("suspended_sentence", "2026-12-01", "2028-12-01")])
    procedure = start(p, person)
    act(p["nhaplieu"], procedure, "planning.proposal", data=NOTE, today=START)
    act(p["lanhdao"], procedure, "planning.vote", data=VOTES, today=START)
    with pytest.raises(ValidationFailed) as caught:
        act(p["quanly"], procedure, "planning.decision", data=DECISION, today=date(2026, 12, 1))
    assert refused_codes(caught) == {"ineligible_suspended_sentence"}
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.RUNNING
    assert procedure.decision_id is None
    assert not PersonnelDecision.objects.filter(personal_id=person.personal_id).exists()


@pytest.mark.parametrize(
    ("decision", "code"),
    [
        ({"term": TERM}, "planning_position_unknown"),
        ({"position_code": "no_such_post", "term": TERM}, "planning_position_unknown"),
        ({"position_code": POST}, "planning_term_unknown"),
        ({"position_code": POST, "term": "2026-2099"}, "planning_term_unknown"),
        ({"position_code": POST, "term": "2021-2026"}, None),  # over in 2027 only
    ],
)
def test_an_addition_needs_a_post_and_a_term_of_the_catalog(personas, make_dossier, decision, code):
    person = make_dossier()
    if code is None:
        assert start(personas, person, params={"decision": decision}).pk
        return
    with pytest.raises(ValidationFailed) as caught:
        start(personas, person, params={"decision": decision})
    assert refused_codes(caught) == {code}
    assert not Procedure.objects.exists()


def test_a_term_that_is_over_takes_no_addition(personas, make_dossier):
    with pytest.raises(ValidationFailed) as caught:
        start(
            personas,
            make_dossier(),
            params={"decision": {"position_code": POST, "term": "2021-2026"}},
            today=date(2027, 1, 4),
        )
    assert refused_codes(caught) == {"planning_term_over"}


def test_no_second_place_for_the_same_post_and_no_more_posts_than_the_term_allows(
    personas, make_dossier
):
    member = make_dossier(planning=[planning(POST, "2026-01-05")])
    with pytest.raises(ValidationFailed) as caught:
        start(personas, member)
    assert refused_codes(caught) == {"planning_already_member"}
    limit = attrs_of("planning_term", TERM)["max_posts_per_person"]
    others = [
        "director_so",
        "deputy_director_so",
        "chief_of_office_provincial",
        "deputy_head_division_provincial",
    ]
    full = make_dossier(planning=[planning(post, "2026-01-05") for post in others[:limit]])
    with pytest.raises(ValidationFailed) as caught:
        start(personas, full)
    (problem,) = caught.value.problems
    assert problem.code == "planning_too_many_posts"
    assert f"không quá {limit} chức danh" in problem.message


def test_one_procedure_at_a_time_for_a_person_and_post(personas, make_dossier):
    person = make_dossier()
    start(personas, person)
    with pytest.raises(ValidationFailed) as caught:
        start(personas, person)
    assert refused_codes(caught) == {"planning_running"}
    assert Procedure.objects.count() == 1


def test_a_removal_needs_a_place_and_a_reason(personas, make_dossier):
    outsider = make_dossier()
    with pytest.raises(ValidationFailed) as caught:
        start(personas, outsider, "planning_removal", REMOVE)
    assert refused_codes(caught) == {"planning_not_member"}
    member = make_dossier(planning=[planning(POST, "2026-01-05")])
    with pytest.raises(ValidationFailed) as caught:
        start(personas, member, "planning_removal", {"decision": {"position_code": POST}})
    assert refused_codes(caught) == {"planning_reason_required"}


def test_a_place_given_meanwhile_refuses_the_decision(personas, orgs, make_dossier):
    p = personas
    person = make_dossier()
    procedure = start(p, person)
    act(p["nhaplieu"], procedure, "planning.proposal", data=NOTE, today=START)
    act(p["lanhdao"], procedure, "planning.vote", data=VOTES, today=START)
    direct = decision_register(
        acting_user=p["nhaplieu"],
        decision_type="planning",
        number="7/QĐ-UBND",
        signed_date=START,
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=START,
        effective_date=START,
        personal_id=person.personal_id,
        parameters={"position_code": POST, "term": TERM},
    )
    changeset_approve(acting_user=p["quanly"], changeset_id=direct.changeset_id)
    with pytest.raises(ValidationFailed) as caught:
        act(p["quanly"], procedure, "planning.decision", data=DECISION, today=date(2026, 12, 1))
    assert refused_codes(caught) == {"planning_already_member"}


def test_the_list_of_a_term_names_places_and_removals_and_is_audited(personas, make_dossier):
    kept = make_dossier(planning=[planning(POST, "2026-01-05")])
    removed = make_dossier(
        planning=[planning(POST, "2026-01-05", end="2026-06-30", removal="Chuyển công tác")]
    )
    make_dossier(planning=[planning(POST, "2021-06-01", term="2021-2026")])
    make_dossier()
    listed = planning_list(personas["quanly"], "T01.STC", TERM)
    assert {e.personal_id for e in listed} == {kept.personal_id, removed.personal_id}
    (ended,) = [e for e in listed if e.personal_id == removed.personal_id]
    assert ended.rows[0]["removal_reason"] == "Chuyển công tác"
    assert AuditEvent.objects.filter(detail__query__term=TERM).exists()
    assert planning_list(personas["ngoai"], "T01.STC", TERM) == []
    with pytest.raises(ValidationFailed) as caught:
        planning_list(personas["quanly"], "T01.STC", "1990-1995")
    assert refused_codes(caught) == {"planning_term_unknown"}
