"""Previewing a decision before it is registered (issue 10 item 3): the field-by-field change
as the clerk may see it, the eligibility rules' verdicts with their legal basis
(R-APPOINT-SAFE), the staffing quota a joining decision would exceed and its reason; the
death record. Nothing is written by a preview."""

from datetime import date

import pytest
from django.test import Client
from tests.eligibility.helpers import eligible

from hoso.access.services import token_create
from hoso.catalog.selectors import attrs_of, codes
from hoso.changes.models import ChangeSet, PersonnelDecision
from hoso.changes.selectors.decisions import joins_unit
from hoso.changes.services.changesets import changeset_approve, current_data
from hoso.changes.services.decisions import decision_preview, decision_register
from hoso.core.errors import NotFound, ValidationFailed
from hoso.orgs.models import Organization, StaffingQuota
from hoso.people.models import Person

HEADER = {
    "number": "30/QĐ-UBND",
    "signed_date": date(2026, 10, 1),
    "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
    "received_date": date(2026, 10, 5),
    "effective_date": date(2026, 10, 15),
}
BASIS = "Quyết định số 12/QĐ-UBND ngày 05/01/2026 giao biên chế công chức năm 2026"


def rule_basis(rule):
    """The citation of an eligibility rule (catalog `eligibility_rule`), the verdict's basis."""
    return attrs_of("eligibility_rule", rule)["legal_basis"]


def preview(personas, person, decision_type, parameters=None, who="nhaplieu", **header):
    return decision_preview(
        acting_user=personas[who],
        decision_type=decision_type,
        personal_id=person.personal_id,
        parameters=parameters or {},
        **(HEADER | header),
    )


def register(personas, person, decision_type, parameters=None, **header):
    return decision_register(
        acting_user=personas["nhaplieu"],
        decision_type=decision_type,
        personal_id=person.personal_id,
        parameters=parameters or {},
        **(HEADER | header),
    )


def quota(code, n, year=2026, category="civil_servant"):
    return StaffingQuota.objects.create(
        organization=Organization.objects.get(code=code),
        year=year,
        staff_category=category,
        quota=n,
        legal_basis=BASIS,
    )


def test_a_preview_shows_the_change_and_the_rules_and_writes_nothing(personas, make_dossier):
    person = make_dossier()
    shown = preview(personas, person, "transfer", {"organization": "T01.XA"})
    assert not shown.blocked, shown.problems
    changes = {(c.section, c.field): (c.before, c.after) for c in shown.changes}
    assert changes[("employment", "current_unit")] == ("T01.STC", "T01.XA")
    assert ("career_events", "decision_type") in changes
    (in_service,) = shown.verdicts
    assert in_service.passed and in_service.legal_basis == rule_basis("in_service")
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()
    assert Person.objects.get(pk=person.pk).current_unit.code == "T01.STC"


def test_a_preview_collects_every_reason_that_would_refuse_the_registration(personas, make_dossier):
    person = make_dossier()
    shown = preview(
        personas,
        person,
        "transfer",
        {"organization": "T01.STC", "don_vi": "x"},
        signed_date=date(2026, 10, 6),
    )
    codes_found = {(p.code, p.field) for p in shown.problems}
    assert ("received_before_signed", "received_date") in codes_found
    assert ("unknown_parameter", "parameters.don_vi") in codes_found
    assert shown.blocked and shown.operations is None
    # The same decision registered already: a duplicate.
    register(personas, person, "transfer", {"organization": "T01.XA"})
    again = preview(personas, person, "transfer", {"organization": "T01.XA"})
    assert "duplicate_decision" in {p.code for p in again.problems}


def test_a_preview_is_refused_like_the_registration_outside_the_clerks_duty(personas, make_dossier):
    person = make_dossier()
    for who in ("ngoai", "lanhdao"):
        with pytest.raises(NotFound):
            preview(personas, person, "transfer", {"organization": "T01.XA"}, who=who)


def test_a_running_discipline_fails_its_rule_with_the_legal_basis(personas, make_dossier):
    person = make_dossier()
    apply = register(
        personas,
        person,
        "discipline",
        {"form_code": "reprimand", "reason": "Vi phạm quy chế"},
        number="7/QĐ-KL",
        effective_date=date(2026, 10, 2),
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=apply.changeset_id)
    shown = preview(personas, person, "salary_raise_regular")
    rules = {v.code: v for v in shown.verdicts}
    assert rules["in_service"].passed
    discipline = rules["discipline_restriction"]
    assert not discipline.passed and "Đang trong thời hạn kỷ luật" in discipline.reason
    assert discipline.legal_basis == rule_basis("discipline_restriction")
    assert shown.blocked and not shown.changes


def test_an_early_raise_too_early_fails_the_early_raise_limit(personas, make_dossier):
    # Step 2 from 2011: the regular raise was due long ago, so an early raise is not early.
    shown = preview(personas, make_dossier(**eligible()), "salary_raise_early")
    limit = {v.code: v for v in shown.verdicts}["early_raise_limit"]
    assert not limit.passed and "thường xuyên" in limit.reason
    assert "Thông tư số 08/2013/TT-BNV" in limit.legal_basis
    regular = preview(personas, make_dossier(**eligible()), "salary_raise_regular")
    step_time = {v.code: v for v in regular.verdicts}["salary_step_time"]
    assert step_time.passed and not regular.blocked


# --- Over quota ----------------------------------------------------------------------------------


def test_which_types_join_a_unit_is_catalog_data(db):
    joining = {c for c in codes("decision_type") if joins_unit(c)}
    assert joining == {"recruitment", "reception", "transfer", "rotation"}


def test_a_transfer_into_a_full_unit_warns_and_needs_a_reason(personas, make_dossier):
    person = make_dossier()
    make_dossier(unit="T01.XA")
    quota("T01.XA", 1)
    shown = preview(personas, person, "transfer", {"organization": "T01.XA"})
    (standing,) = shown.over_quota
    assert (standing.quota, standing.headcount) == (1, 1)
    (problem,) = shown.problems
    assert (problem.code, problem.field) == ("over_quota", "quota_reason")
    assert "Ủy ban nhân dân xã Hòa Bình" in problem.message and BASIS in problem.message
    with pytest.raises(ValidationFailed) as caught:
        register(personas, person, "transfer", {"organization": "T01.XA"})
    assert [p.code for p in caught.value.problems] == ["over_quota"]
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()
    reason = "Điều động theo đề án sắp xếp bộ máy; chỉ tiêu năm 2027 đã được giao bổ sung"
    with_reason = preview(
        personas, person, "transfer", {"organization": "T01.XA"}, quota_reason=reason
    )
    assert with_reason.over_quota and not with_reason.blocked
    decision = register(
        personas, person, "transfer", {"organization": "T01.XA"}, quota_reason=reason
    )
    assert PersonnelDecision.objects.get(pk=decision.pk).quota_reason == reason


def test_a_unit_with_a_vacancy_or_no_quota_or_another_year_does_not_warn(personas, make_dossier):
    person = make_dossier()
    assert not preview(personas, person, "transfer", {"organization": "T01.XA"}).over_quota
    quota("T01.XA", 0, year=2025)
    quota("T01.XA", 0, category="public_employee")
    assert not preview(personas, person, "transfer", {"organization": "T01.XA"}).over_quota
    quota("T01.XA", 1)
    assert not preview(personas, person, "transfer", {"organization": "T01.XA"}).over_quota


def test_a_move_inside_a_quota_takes_no_new_place_in_it(personas, make_dossier):
    person = make_dossier()  # at T01.STC, counted under its quota
    quota("T01.STC", 1)
    assert not preview(personas, person, "transfer", {"organization": "T01.STC.NS"}).over_quota
    # The province's quota counts both units' people: full, but the person is already in it.
    quota("T01", 1)
    assert not preview(personas, person, "transfer", {"organization": "T01.XA"}).over_quota
    outsider = make_dossier(unit="T01.XA")
    # Coming from outside the department: a new place in its quota; the province's quota
    # already counts them, and is over by the two people it holds.
    over = preview(personas, outsider, "transfer", {"organization": "T01.STC"}, who="quanly")
    assert [(q.organization.code, q.headcount) for q in over.over_quota] == [
        ("T01.STC", 1),
        ("T01", 2),
    ]


def test_a_non_joining_type_is_not_checked_against_the_quota(personas, make_dossier):
    person = make_dossier(**eligible("head_division_provincial"))
    make_dossier(unit="T01.STC.NS")
    quota("T01.STC.NS", 0)
    shown = preview(
        personas,
        person,
        "appointment",
        {"position_code": "head_division_provincial", "organization": "T01.STC.NS"},
    )
    assert not shown.over_quota and not shown.blocked, shown.problems


def test_a_reception_counts_against_the_quota_of_its_category(personas, make_dossier):
    person = make_dossier(unit="T01.XA")
    quota("T01.STC", 0, category="public_employee")
    shown = preview(
        personas,
        person,
        "reception",
        {"staff_category": "public_employee", "organization": "T01.STC"},
        who="quanly",
    )
    (standing,) = shown.over_quota
    assert standing.staff_category == "public_employee"


@pytest.fixture
def api(personas):
    token = token_create(acting_user=None, user=personas["nhaplieu"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_needs_a_quota_reason_over_quota(api, make_dossier):
    person = make_dossier()
    make_dossier(unit="T01.XA")
    quota("T01.XA", 1)
    body = {
        "decision_type": "transfer",
        "number": "31/QĐ-UBND",
        "signed_date": "2026-10-01",
        "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "received_date": "2026-10-05",
        "effective_date": "2026-10-15",
        "personal_id": person.personal_id,
        "parameters": {"organization": "T01.XA"},
    }
    refused = api.post("/api/v1/decisions", body, content_type="application/json")
    assert refused.status_code == 422
    (problem,) = refused.json()["error"]["problems"]
    assert (problem["code"], problem["field"]) == ("over_quota", "quota_reason")
    assert not PersonnelDecision.objects.exists()
    created = api.post(
        "/api/v1/decisions",
        body | {"quota_reason": "Đề án sắp xếp bộ máy"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["quota_reason"] == "Đề án sắp xếp bộ máy"
    shown = api.get(f"/api/v1/decisions/{created.json()['id']}").json()
    assert shown["quota_reason"] == "Đề án sắp xếp bộ máy"


# --- Death ---------------------------------------------------------------------------------------


def test_a_death_ends_service_as_deceased_with_a_death_event(personas, make_dossier):
    person = make_dossier()
    # The certificate is signed after the death: the effective date is the day of death.
    decision = register(
        personas,
        person,
        "death",
        number="105/TLKT",
        issuer="Ủy ban nhân dân phường Hàng Bài",
        effective_date=date(2026, 9, 28),
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    data = current_data(person.personal_id, acting_user=None)
    assert data["employment"]["status"] == "deceased"
    assert all(row["to_date"] == "2026-09-27" for row in data["positions"])
    assert data["work_history"][-1]["to_date"] == "2026-09-27"
    (event,) = data["career_events"]
    assert (event["decision_type"], event["effective_date"]) == ("death", "2026-09-28")
    assert event["signed_date"] == "2026-09-28"  # dated by the death; the certificate came after
    assert event["summary"] == "Từ trần ngày 28/09/2026 (văn bản số 105/TLKT ngày 01/10/2026)"
    with pytest.raises(ValidationFailed) as caught:
        register(personas, person, "death", number="106/TLKT")
    assert [p.code for p in caught.value.problems] == ["already_deceased"]


def test_a_retired_persons_death_is_recorded_and_a_death_takes_no_parameters(
    personas, make_dossier
):
    person = make_dossier()
    retired = register(personas, person, "retirement", number="40/QĐ-NH")
    changeset_approve(acting_user=personas["quanly"], changeset_id=retired.changeset_id)
    with pytest.raises(ValidationFailed) as caught:
        register(personas, person, "death", {"cause": "x"}, number="107/TLKT")
    assert [p.field for p in caught.value.problems] == ["parameters.cause"]
    decision = register(
        personas, person, "death", number="107/TLKT", effective_date=date(2026, 11, 2)
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    data = current_data(person.personal_id, acting_user=None)
    assert data["employment"]["status"] == "deceased"
    assert [e["decision_type"] for e in data["career_events"]] == ["retirement", "death"]


def test_the_api_previews_a_decision_without_writing(api, make_dossier):
    person = make_dossier()
    make_dossier(unit="T01.XA")
    quota("T01.XA", 1)
    body = {
        "decision_type": "transfer",
        "number": "32/QĐ-UBND",
        "signed_date": "2026-10-01",
        "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "received_date": "2026-10-05",
        "effective_date": "2026-10-15",
        "personal_id": person.personal_id,
        "parameters": {"organization": "T01.XA"},
    }
    response = api.post("/api/v1/decisions/preview", body, content_type="application/json")
    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["blocked"] is True
    assert [p["code"] for p in shown["problems"]] == ["over_quota"]
    (over,) = shown["over_quota"]
    assert (over["unit_code"], over["quota"], over["headcount"], over["legal_basis"]) == (
        "T01.XA",
        1,
        1,
        BASIS,
    )
    change = next(c for c in shown["changes"] if c["field"] == "current_unit")
    assert (change["before"], change["after"], change["masked"]) == ("T01.STC", "T01.XA", False)
    assert [v["code"] for v in shown["verdicts"]] == ["in_service"]
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()
    fine = api.post(
        "/api/v1/decisions/preview",
        body | {"quota_reason": "Đề án sắp xếp"},
        content_type="application/json",
    ).json()
    assert fine["blocked"] is False and fine["problems"] == []


def test_the_api_lists_a_dossiers_decisions_within_scope(api, personas, make_dossier):
    person = make_dossier()
    register(personas, person, "transfer", {"organization": "T01.XA"})
    listed = api.get(f"/api/v1/people/{person.personal_id}/decisions")
    assert listed.status_code == 200
    (one,) = listed.json()
    assert (one["decision_type"], one["number"], one["changeset"]["status"]) == (
        "transfer",
        "30/QĐ-UBND",
        "proposed",
    )
    outsider = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=personas['ngoai'])}"
    )
    assert outsider.get(f"/api/v1/people/{person.personal_id}/decisions").status_code == 404
