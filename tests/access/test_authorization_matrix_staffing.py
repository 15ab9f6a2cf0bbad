# ruff: noqa: F811 - the fixture imported from test_authorization_matrix is a parameter here
"""The authorization matrix, staffing write rows (R-NATIONAL, R-JOB-POSITION, R-ASSIGNED):
every write of quotas and job positions, by the pages and the API, for every persona and
anonymously. Only the records manager whose duty covers the unit writes; everyone else gets
the one 404 (pages and API alike), nothing changes, and each refusal is audited.

The personas and world are those of `test_authorization_matrix`; `STAFFING_WRITES` must name
every staffing write route there, so a new one cannot go without its row.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from test_authorization_matrix import (
    PERSONAS,
    ROUTES,
    api_client,
    web_client,
    world,  # noqa: F401 - a fixture
)

from hoso.audit.models import AuditAction, AuditEvent
from hoso.orgs.models import JobPosition, JobPositionVersion, QuotaChange, StaffingQuota

pytestmark = pytest.mark.django_db

QUOTA_WEB = {
    "year": "2026",
    "staff_category": "civil_servant",
    "quota": "40",
    "document_number": "15/QĐ-UBND",
    "document_date": "05/01/2026",
    "document_issuer": "Ủy ban nhân dân tỉnh",
}
QUOTA_API = {
    "year": 2026,
    "staff_category": "civil_servant",
    "quota": 40,
    "document_number": "15/QĐ-UBND",
    "document_date": "2026-01-05",
    "document_issuer": "Ủy ban nhân dân tỉnh",
}
POSITION_API = {
    "name": "Chuyên viên",
    "staff_category": "civil_servant",
    "headcount": 2,
    "valid_from": "2026-07-01",
}
POSITION_WEB = {**POSITION_API, "headcount": "2", "valid_from": "01/07/2026"}

# name → (is_web, method, path or url name and args, body, status when allowed)
STAFFING_WRITES = {
    "web:quota_set": (True, "post", ("web:quota_set", ["T01.STC"]), QUOTA_WEB, 302),
    "web:job_position_new": (
        True,
        "post",
        ("web:job_position_new", ["T01.STC"]),
        {**POSITION_WEB, "code": "VT02"},
        302,
    ),
    "web:job_position_change": (
        True,
        "post",
        ("web:job_position_change", ["T01.STC", "VT01"]),
        POSITION_WEB,
        302,
    ),
    "web:job_position_end": (
        True,
        "post",
        ("web:job_position_end", ["T01.STC", "VT01"]),
        {"valid_to": "31/12/2026", "legal_basis": "QĐ 40"},
        302,
    ),
    "POST /api/v1/organizations/{code}/quotas": (
        False,
        "post",
        "/api/v1/organizations/T01.STC/quotas",
        QUOTA_API,
        201,
    ),
    "PUT /api/v1/organizations/{code}/quotas/{year}/{staff_category}": (
        False,
        "put",
        "/api/v1/organizations/T01.STC/quotas/2026/civil_servant",
        {k: v for k, v in QUOTA_API.items() if k not in {"year", "staff_category"}},
        200,
    ),
    "POST /api/v1/organizations/{code}/positions": (
        False,
        "post",
        "/api/v1/organizations/T01.STC/positions",
        {**POSITION_API, "code": "VT02"},
        201,
    ),
    "PUT /api/v1/organizations/{code}/positions/{position_code}": (
        False,
        "put",
        "/api/v1/organizations/T01.STC/positions/VT01",
        POSITION_API,
        200,
    ),
    "POST /api/v1/organizations/{code}/positions/{position_code}/end": (
        False,
        "post",
        "/api/v1/organizations/T01.STC/positions/VT01/end",
        {"valid_to": "2026-12-31", "legal_basis": "QĐ 40"},
        200,
    ),
}


def test_every_staffing_write_has_a_row():
    staffing = {
        name
        for name in ROUTES
        if (
            "/quotas" in name
            or "/positions" in name
            or "quota_set" in name
            or "job_position_" in name
        )
        and not name.startswith("GET ")
        and name != "web:job_position"
    }
    assert staffing == set(STAFFING_WRITES)


@pytest.fixture
def staffed(world, orgs):
    from hoso.staffing.services import PositionSpec, job_position_create, quota_set

    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=2026,
        staff_category="civil_servant",
        quota=30,
        document_number="1/QĐ",
        document_date=date(2026, 1, 2),
        document_issuer="UBND tỉnh",
    )
    job_position_create(
        acting_user=None,
        organization=orgs["finance"],
        code="VT01",
        spec=PositionSpec(name="Chuyên viên", staff_category="civil_servant"),
        valid_from=date(2025, 7, 1),
    )
    return world


def _send(client: Client, is_web: bool, method: str, where, body):
    url = reverse(where[0], args=where[1]) if is_web else where
    if is_web:
        return client.post(url, body)
    return getattr(client, method)(url, body, content_type="application/json")


def _state() -> tuple:
    return (
        list(StaffingQuota.objects.values_list("quota", flat=True)),
        QuotaChange.objects.count(),
        JobPosition.objects.count(),
        JobPositionVersion.objects.count(),
        list(JobPosition.objects.values_list("valid_to", flat=True)),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(STAFFING_WRITES))
def test_only_the_records_manager_over_the_unit_writes(staffed, persona, name):
    is_web, method, where, body, allowed = STAFFING_WRITES[name]
    user = staffed["users"][persona]
    client = web_client(user) if is_web else api_client(user)
    before = _state()
    response = _send(client, is_web, method, where, body)
    if persona == "quanly":
        assert response.status_code == allowed, (name, response.content.decode()[:500])
        assert _state() != before
        return
    assert response.status_code == 404, (name, persona)
    assert _state() == before
    action = AuditAction.QUOTA_CHANGE if "quota" in name else AuditAction.JOB_POSITION_CHANGE
    refused = AuditEvent.objects.filter(action=action, outcome="deny", actor_username=persona)
    assert refused.count() == 1, (name, persona)


@pytest.mark.parametrize("name", sorted(STAFFING_WRITES))
def test_anonymous_writes_are_refused(staffed, name):
    is_web, method, where, body, _allowed = STAFFING_WRITES[name]
    before = _state()
    response = _send(Client(), is_web, method, where, body)
    if is_web:
        assert response.status_code == 302 and reverse("web:login") in response["Location"]
    else:
        assert response.status_code == 401
    assert _state() == before
