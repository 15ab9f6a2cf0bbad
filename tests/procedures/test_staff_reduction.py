"""Staff reduction (tinh giản biên chế) as a signed procedure (issue 12): the candidates of a
unit from the dated `staff_reduction_criterion` catalog, read through the reader's gate and
audited; proposal, review, approval and the decision that ends service."""

import json

import pytest
from django.test import Client
from tests.procedures.common import documents_for
from tests.procedures.test_evaluation import _act
from tests.procedures.test_procedures import second_manager

from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.purposes import Purpose
from hoso.changes.models import PersonnelDecision
from hoso.changes.services.changesets import changeset_approve
from hoso.changes.services.decisions import decision_register
from hoso.core.dates import today
from hoso.core.errors import ValidationFailed
from hoso.people.models import StaffStatus
from hoso.people.selectors import person_queryset
from hoso.procedures.models import Procedure, ProcedureState, ProcedureStep
from hoso.procedures.reduction import candidates
from hoso.procedures.services import procedure_start, step_verify

YEAR = 2026
URL = "/api/v1/procedures/staff-reduction/candidates"
ONE_YEAR, TWO_YEARS = "not_completed_last_year", "completed_or_lower_two_years"
PARAMS = {"year": YEAR, "criterion": ONE_YEAR, "decision": {"outcome": "resigned"}}
DECISION = {"number": "7/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm"}


def graded(make_dossier, **grades):
    """A dossier with the grade of each year given as y2025="completed"."""
    rows = [{"year": int(y[1:]), "grade_code": g} for y, g in grades.items()]
    return make_dossier(evaluations=rows)


def client(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=user)}")


def post(user, path, body):
    return client(user).post(path, json.dumps(body), content_type="application/json")


def test_a_staff_reduction_runs_through_the_api_and_ends_service(personas, orgs, make_dossier):
    person = graded(make_dossier, y2025="completed", y2026="not_completed")
    listed = client(personas["quanly"]).get(f"{URL}?unit=T01.STC&year={YEAR}")
    assert listed.status_code == 200, listed.content
    [row] = listed.json()
    assert row["personal_id"] == person.personal_id
    assert [c["code"] for c in row["criteria"]] == [ONE_YEAR, TWO_YEARS]
    assert row["criteria"][1]["grades"] == {"2025": "completed", "2026": "not_completed"}
    assert "29/2023/NĐ-CP" in row["criteria"][0]["legal_basis"]
    started = post(
        personas["nhaplieu"],
        "/api/v1/procedures",
        {"procedure_type": "staff_reduction", "personal_id": person.personal_id, "params": PARAMS},
    )
    assert started.status_code == 201, started.content
    pid, revision = started.json()["id"], 0
    for user, step, data in [
        ("nhaplieu", "staff_reduction.proposal", {"note": "Năm 2026 không hoàn thành nhiệm vụ."}),
        ("quanly", "staff_reduction.review", {"note": "Đúng đối tượng, đủ hồ sơ."}),
        ("lanhdao", "staff_reduction.approval", {}),
        ("quanly", "staff_reduction.decision", DECISION),
    ]:
        acted = post(
            personas[user],
            f"/api/v1/procedures/{pid}/steps",
            {
                "step_code": step,
                "outcome": "approve",
                "revision": revision,
                "idempotency_key": step,
                "data": {
                    **data,
                    "documents": documents_for(personas[user], Procedure.objects.get(pk=pid), step),
                },
            },
        )
        assert acted.status_code == 200, acted.content
        revision = acted.json()["revision"]
    assert acted.json()["state"] == ProcedureState.DONE
    assert all(step_verify(s).valid for s in ProcedureStep.objects.filter(procedure_id=pid))
    decision = PersonnelDecision.objects.get(pk=acted.json()["decision_id"])
    assert decision.decision_type == "staff_reduction"
    changeset_approve(acting_user=second_manager(orgs), changeset_id=decision.changeset_id)
    assert person_queryset().get(pk=person.pk).status == StaffStatus.RESIGNED


@pytest.mark.parametrize(
    ("grades", "met"),
    [
        # "not completed" in the year reviewed: one year is enough.
        ({"y2026": "not_completed"}, [ONE_YEAR]),
        # ... but a year earlier is outside the one-year window.
        ({"y2025": "not_completed", "y2026": "good"}, []),
        # "completed" two consecutive years ending in the year reviewed.
        ({"y2025": "completed", "y2026": "completed"}, [TWO_YEARS]),
        ({"y2025": "not_completed", "y2026": "completed"}, [TWO_YEARS]),
        # One "completed" year after a "good" one, or with the year before ungraded: not two.
        ({"y2025": "good", "y2026": "completed"}, []),
        ({"y2024": "completed", "y2026": "completed"}, []),
        # Two completed years that end before the year reviewed.
        ({"y2024": "completed", "y2025": "completed", "y2026": "good"}, []),
        ({"y2026": "excellent"}, []),
    ],
)
def test_each_criterion_at_its_boundary(personas, make_dossier, grades, met):
    person = graded(make_dossier, **grades)
    found = candidates(personas["quanly"], "T01.STC", YEAR)
    assert [
        c["code"] for f in found if f.personal_id == person.personal_id for c in f.criteria
    ] == met


def test_the_year_reviewed_moves_the_window(personas, make_dossier):
    person = graded(make_dossier, y2024="completed", y2025="completed", y2026="good")
    assert [c.personal_id for c in candidates(personas["quanly"], "T01.STC", 2025)] == [
        person.personal_id
    ]
    assert candidates(personas["quanly"], "T01.STC", YEAR) == []


def test_the_list_is_read_through_the_gate_and_audited(personas, make_dossier):
    person = graded(make_dossier, y2026="not_completed")
    # A clerk of another ministry cannot open the dossier: it is not on their list.
    assert candidates(personas["ngoai"], "T01.STC", YEAR) == []
    candidates(personas["quanly"], "T01.STC", YEAR)
    listing = AuditEvent.objects.filter(
        action=AuditAction.SEARCH, purpose=Purpose.STAFF_REDUCTION
    ).latest("pk")
    assert listing.detail["shown"] == [person.personal_id]
    assert listing.detail["query"] == {"unit": "T01.STC", "year": YEAR}


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("unit=T99&year=2026", 422, "staff_reduction_unit_unknown"),
        ("unit=T01.STC&year=2999", 422, "staff_reduction_year_invalid"),
        ("unit=T01.STC&year=abc", 422, None),
    ],
)
def test_bad_list_arguments(personas, query, status, code):
    r = client(personas["quanly"]).get(f"{URL}?{query}")
    assert r.status_code == status, r.content
    if code:
        assert code in [p["code"] for p in r.json()["error"]["problems"]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({**PARAMS, "criterion": TWO_YEARS}, "staff_reduction_not_candidate"),
        ({**PARAMS, "criterion": "no_such"}, "staff_reduction_criterion_unknown"),
        ({**PARAMS, "decision": {}}, "staff_reduction_outcome_invalid"),
        ({**PARAMS, "decision": {"outcome": "deceased"}}, "staff_reduction_outcome_invalid"),
        ({**PARAMS, "year": "2026"}, "staff_reduction_year_invalid"),
        ({**PARAMS, "decision": "resigned"}, "staff_reduction_outcome_invalid"),
        ({**PARAMS, "criterion": [ONE_YEAR]}, "staff_reduction_criterion_unknown"),
    ],
)
def test_a_start_outside_the_criteria_is_refused(personas, make_dossier, params, code):
    person = graded(make_dossier, y2025="good", y2026="not_completed")
    with pytest.raises(ValidationFailed) as caught:
        procedure_start(
            acting_user=personas["nhaplieu"],
            procedure_type="staff_reduction",
            personal_id=person.personal_id,
            params=params,
        )
    assert code in [p.code for p in caught.value.problems]
    assert not Procedure.objects.exists()


def test_the_criterion_is_checked_again_at_the_decision(personas, orgs, make_dossier):
    """A grade corrected while the procedure runs takes the person off the list: the decision
    step is refused and nothing is saved."""
    person = graded(make_dossier, y2026="not_completed")
    procedure = procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="staff_reduction",
        personal_id=person.personal_id,
        params=PARAMS,
    )
    _act(personas["nhaplieu"], procedure, "staff_reduction.proposal", data={"note": "Đề xuất"})
    _act(personas["quanly"], procedure, "staff_reduction.review", data={"note": "Đồng ý"})
    _act(personas["lanhdao"], procedure, "staff_reduction.approval", data={})
    # The 2026 grade is corrected to "good" by an evaluation decision on the decision path.
    correction = decision_register(
        acting_user=personas["quanly"],
        decision_type="evaluation",
        number="DG-9",
        signed_date=today(),
        issuer="Sở Tài chính",
        received_date=today(),
        effective_date=today(),
        personal_id=person.personal_id,
        parameters={"year": YEAR, "grade_code": "good", "score": 80},
    )
    changeset_approve(acting_user=second_manager(orgs), changeset_id=correction.changeset_id)
    procedure.refresh_from_db()
    revision = procedure.revision
    with pytest.raises(ValidationFailed) as caught:
        _act(personas["quanly"], procedure, "staff_reduction.decision", data=DECISION)
    assert [p.code for p in caught.value.problems] == ["staff_reduction_not_candidate"]
    procedure.refresh_from_db()
    assert procedure.revision == revision and procedure.decision_id is None
    assert procedure.steps.count() == 3


def test_the_units_own_staff_in_name_order(personas, make_dossier):
    rows = [{"year": YEAR, "grade_code": "not_completed"}]
    tran = make_dossier(full_name="Trần Văn Bảo", evaluations=rows)
    le = make_dossier(full_name="Lê Thị Ánh", evaluations=rows)
    make_dossier(full_name="Đỗ Văn Cường", unit="T01.STC.NS", evaluations=rows)
    found = candidates(personas["quanly"], "T01.STC", YEAR)
    assert [c.personal_id for c in found] == [le.personal_id, tran.personal_id]
    assert [c.personal_id for c in candidates(personas["quanly"], "T01.STC.NS", YEAR)] != []
