"""The staffing API (R-NATIONAL, R-JOB-POSITION): quotas, the standing, job positions; writes by
the records manager over the unit only, bad input refused with machine-readable problems."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent
from hoso.orgs.models import JobPosition, JobPositionVersion, QuotaChange, StaffingQuota

QUOTA = {
    "year": 2026,
    "staff_category": "civil_servant",
    "quota": 5,
    "document_number": "15/QĐ-UBND",
    "document_date": "2026-01-05",
    "document_issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
}
POSITION = {
    "code": "VT01",
    "name": "Chuyên viên quản lý ngân sách",
    "staff_category": "civil_servant",
    "qualification_code": "bachelor",
    "rank_code": "01.003",
    "competencies": ["Lập dự toán ngân sách", "Phân tích tài chính công"],
    "headcount": 3,
    "legal_basis": "Quyết định số 30/QĐ-UBND",
    "valid_from": "2026-01-01",
}


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def put(client, path, body):
    return client.put(path, body, content_type="application/json")


def problems(response) -> dict[str, str]:
    return {p["field"]: p["code"] for p in response.json()["error"]["problems"]}


def test_a_quota_is_set_changed_and_its_history_kept(api, orgs, make_dossier):
    manager = api("quanly")
    created = post(manager, "/api/v1/organizations/T01.STC/quotas", QUOTA)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["quota"], body["counted"], body["remaining"], body["over"]) == (5, 0, 5, False)
    assert body["document_number"] == "15/QĐ-UBND" and body["document_date"] == "2026-01-05"
    make_dossier(unit="T01.STC.NS")
    changed = put(
        manager,
        "/api/v1/organizations/T01.STC/quotas/2026/civil_servant",
        {
            **{k: v for k, v in QUOTA.items() if k not in {"year", "staff_category"}},
            "quota": 4,
            "document_number": "20/QĐ-UBND",
            "note": "Giảm 1 chỉ tiêu",
        },
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["quota"], changed.json()["counted"]) == (4, 1)
    history = manager.get("/api/v1/organizations/T01.STC/quotas/history").json()
    assert [(h["old_quota"], h["new_quota"], h["changed_by"]) for h in history] == [
        (5, 4, "quanly"),
        (None, 5, "quanly"),
    ]
    [row] = manager.get("/api/v1/organizations/T01.STC/quotas", {"year": 2026}).json()
    assert row["legal_basis"].startswith("Văn bản số 20/QĐ-UBND ngày 05/01/2026")


def test_a_quota_below_the_headcount_is_a_422_naming_it(api, orgs, make_dossier):
    make_dossier(unit="T01.STC")
    make_dossier(unit="T01.STC", full_name="Trần Văn Bình")
    response = post(api("quanly"), "/api/v1/organizations/T01.STC/quotas", {**QUOTA, "quota": 1})
    assert response.status_code == 422
    assert problems(response) == {"quota": "quota_below_headcount"}
    assert "2 người" in response.json()["error"]["problems"][0]["message"]
    assert not StaffingQuota.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"quota": -1}, "quota", "negative_quota"),
        ({"staff_category": "nope"}, "staff_category", "unknown_staff_category"),
        ({"year": 1990}, "year", "year_out_of_range"),
        ({"document_number": ""}, "document_number", "document_number_required"),
    ],
)
def test_bad_quotas_are_refused(api, orgs, changes, field, code):
    response = post(api("quanly"), "/api/v1/organizations/T01.STC/quotas", {**QUOTA, **changes})
    assert response.status_code == 422
    assert problems(response) == {field: code}
    assert not StaffingQuota.objects.exists() and not QuotaChange.objects.exists()


def test_a_malformed_date_or_year_is_refused_by_the_schema(api, orgs):
    for changes in ({"document_date": "05/01/2026"}, {"year": 99999}, {"quota": "năm"}):
        response = post(api("quanly"), "/api/v1/organizations/T01.STC/quotas", {**QUOTA, **changes})
        assert response.status_code == 422, changes
    assert not StaffingQuota.objects.exists()


@pytest.mark.parametrize("who", ["nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai"])
def test_others_get_404_for_every_write(api, orgs, who):
    from hoso.staffing.services import PositionSpec, job_position_create, quota_set

    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        **{**QUOTA, "document_date": date(2026, 1, 5)},
    )
    job_position_create(
        acting_user=None,
        organization=orgs["finance"],
        code="VT01",
        spec=PositionSpec(name="Chuyên viên", staff_category="civil_servant"),
        valid_from=date(2025, 7, 1),
    )
    client = api(who)
    writes = [
        post(client, "/api/v1/organizations/T01.STC/quotas", QUOTA),
        put(client, "/api/v1/organizations/T01.STC/quotas/2026/civil_servant", QUOTA),
        post(client, "/api/v1/organizations/T01.STC/positions", {**POSITION, "code": "VT02"}),
        put(client, "/api/v1/organizations/T01.STC/positions/VT01", POSITION),
        post(
            client,
            "/api/v1/organizations/T01.STC/positions/VT01/end",
            {"valid_to": "2026-12-31", "legal_basis": "QĐ"},
        ),
    ]
    assert [w.status_code for w in writes] == [404] * 5
    assert StaffingQuota.objects.get().quota == 5 and QuotaChange.objects.count() == 1
    assert JobPosition.objects.count() == 1 and JobPositionVersion.objects.count() == 1
    denied = AuditEvent.objects.filter(outcome="deny", actor_username=who)
    assert denied.filter(action=AuditAction.QUOTA_CHANGE).count() == 2
    assert denied.filter(action=AuditAction.JOB_POSITION_CHANGE).count() == 3
    # Reading the structure is open.
    assert client.get("/api/v1/organizations/T01.STC/standing").status_code == 200
    assert client.get("/api/v1/organizations/T01.STC/positions/VT01").status_code == 200


def test_changing_a_quota_that_was_never_given_is_404(api, orgs):
    response = put(api("quanly"), "/api/v1/organizations/T01.STC/quotas/2026/civil_servant", QUOTA)
    assert response.status_code == 404 and not StaffingQuota.objects.exists()


def test_unknown_units_are_404(api, orgs):
    client = api("quanly")
    assert post(client, "/api/v1/organizations/NOPE/quotas", QUOTA).status_code == 404
    assert client.get("/api/v1/organizations/NOPE/standing").status_code == 404
    assert client.get("/api/v1/organizations/T01.STC/positions/NOPE").status_code == 404


def test_a_job_position_is_created_changed_and_ended(api, orgs):
    manager = api("quanly")
    created = post(manager, "/api/v1/organizations/T01.STC/positions", POSITION)
    assert created.status_code == 201, created.content
    assert created.json()["competencies"] == POSITION["competencies"]
    duplicate = post(manager, "/api/v1/organizations/T01.STC/positions", POSITION)
    assert duplicate.status_code == 422 and problems(duplicate) == {
        "code": "duplicate_job_position"
    }
    changed = put(
        manager,
        "/api/v1/organizations/T01.STC/positions/VT01",
        {**POSITION, "headcount": 4, "valid_from": "2026-07-01"},
    )
    assert changed.status_code == 200, changed.content
    versions = changed.json()["versions"]
    assert [(v["valid_from"], v["valid_to"], v["headcount"]) for v in versions] == [
        ("2026-07-01", None, 4),
        ("2026-01-01", "2026-06-30", 3),
    ]
    ended = post(
        manager,
        "/api/v1/organizations/T01.STC/positions/VT01/end",
        {"valid_to": "2026-12-31", "legal_basis": "Quyết định số 40/QĐ-UBND"},
    )
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2026-12-31"
    listed = manager.get("/api/v1/organizations/T01.STC/positions", {"all": "true"}).json()
    assert [p["code"] for p in listed] == ["VT01"]
    in_force = manager.get("/api/v1/organizations/T01.STC/positions", {"on": "2027-01-01"})
    assert in_force.json() == []


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"valid_to": "2025-12-31"}, "valid_to", "period_reversed"),
        ({"qualification_code": "x"}, "qualification_code", "unknown_qualification"),
        ({"rank_code": "x"}, "rank_code", "unknown_rank"),
        ({"staff_category": ""}, "staff_category", "unknown_staff_category"),
    ],
)
def test_bad_job_positions_are_refused(api, orgs, changes, field, code):
    response = post(
        api("quanly"), "/api/v1/organizations/T01.STC/positions", {**POSITION, **changes}
    )
    assert response.status_code == 422
    assert problems(response) == {field: code}
    assert not JobPosition.objects.exists()


def test_the_standing_counts_people_and_positions(api, orgs, make_dossier):
    manager = api("quanly")
    post(manager, "/api/v1/organizations/T01.STC/quotas", QUOTA)
    post(manager, "/api/v1/organizations/T01.STC/positions", POSITION)
    make_dossier(
        unit="T01.STC",
        positions=[
            {
                "organization": "T01.STC",
                "position_code": "",
                "is_main": True,
                "from_date": "2020-01-01",
                "job_position": "VT01",
            }
        ],
    )
    rows = manager.get("/api/v1/organizations/T01/standing", {"year": 2026}).json()
    finance = next(r for r in rows if r["organization_code"] == "T01.STC")
    assert {k: finance[k] for k in ("quota", "headcount", "vacant", "positions", "filled")} == {
        "quota": 5,
        "headcount": 1,
        "vacant": 4,
        "positions": 3,
        "filled": 1,
    }
    province = next(r for r in rows if r["organization_code"] == "T01")
    assert (province["quota"], province["headcount"]) == (None, 1)
