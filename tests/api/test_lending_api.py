"""/api/v1 paper dossier loans (issue 10 item 6): list, lend, take back, extend — the good path,
every refusal by status and code, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent
from hoso.audit.purposes import Purpose
from hoso.core.dates import today
from hoso.documents.models import PaperLoan

TODAY = today()
BODY = {
    "borrower_name": "Trần Văn Mượn",
    "borrower_unit": "Ban Tổ chức Tỉnh ủy",
    "purpose": "Thẩm tra lý lịch",
    "approver_name": "Phạm Văn Duyệt",
    "approval_number": "45/QĐ-SNV",
    "approval_date": (TODAY - timedelta(days=3)).isoformat(),
    "out_date": (TODAY - timedelta(days=2)).isoformat(),
    "due_date": (TODAY + timedelta(days=10)).isoformat(),
}


@pytest.fixture
def api(personas):
    def client(name: str) -> Client:
        token = token_create(acting_user=None, user=personas[name])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client


@pytest.fixture
def an(make_dossier):
    return make_dossier(full_name="Nguyễn Văn An")


def post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_lend_list_extend_and_return(api, an):
    manager = api("quanly")
    base = f"/api/v1/people/{an.personal_id}/paper-loans"
    made = post(manager, base, BODY | {"whole": False, "parts": ["resume"]})
    assert made.status_code == 201, made.content
    loan = made.json()
    assert loan["open"] and loan["parts"] == ["resume"] and loan["recorded_by"] == "quanly"
    assert loan["part_names"] == ["Sơ yếu lý lịch (Mẫu 2C-BNV/2008; viên chức: HS02-VC/BNV)"]
    listed = api("lanhdao").get(base)
    assert listed.status_code == 200 and [x["id"] for x in listed.json()] == [loan["id"]]
    read = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_ALLOWED).latest("seq")
    assert read.purpose == Purpose.PAPER_LOAN_VIEW
    later = (TODAY + timedelta(days=20)).isoformat()
    extended = post(
        manager, f"{base}/{loan['id']}/extend", {"due_date": later, "reason": "Họp lại"}
    )
    assert extended.status_code == 200, extended.content
    assert extended.json()["due_date"] == later
    assert extended.json()["extensions"][0]["previous_due_date"] == BODY["due_date"]
    back = post(
        manager,
        f"{base}/{loan['id']}/return",
        {"returned_on": TODAY.isoformat(), "condition": "Đủ"},
    )
    assert back.status_code == 200 and not back.json()["open"]
    assert back.json()["returned_to"] == "quanly"
    ops = [e.detail["op"] for e in AuditEvent.objects.filter(action=AuditAction.PAPER_LOAN)]
    assert sorted(ops) == ["extend", "open", "return"]


def test_refusals(api, an, make_dossier):
    manager = api("quanly")
    base = f"/api/v1/people/{an.personal_id}/paper-loans"
    bad = post(manager, base, BODY | {"due_date": BODY["out_date"], "approval_number": ""})
    assert bad.status_code == 422
    problems = {p["field"]: p["code"] for p in bad.json()["error"]["problems"]}
    assert problems == {"due_date": "due_not_after_out", "approval_number": "required"}
    malformed = post(manager, base, BODY | {"out_date": "02/12/2026"})
    assert malformed.status_code == 422
    missing = post(manager, base, {k: v for k, v in BODY.items() if k != "purpose"})
    assert missing.status_code == 422
    clerk = post(api("nhaplieu"), base, BODY)
    assert clerk.status_code == 403 and clerk.json()["error"]["code"] == "not_records_manager"
    outsider = post(api("ngoai"), base, BODY)
    assert outsider.status_code == 404
    assert api("ngoai").get(base).status_code == 404
    assert not PaperLoan.objects.exists()
    first = post(manager, base, BODY).json()
    second = post(manager, base, BODY | {"borrower_name": "Lê Thị Hai"})
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_lent"
    assert "Trần Văn Mượn (Ban Tổ chức Tỉnh ủy)" in second.json()["error"]["message"]
    # A loan is reached only under its own dossier.
    other = make_dossier(full_name="Trần Thị Bình", sex="F")
    wrong = post(
        manager,
        f"/api/v1/people/{other.personal_id}/paper-loans/{first['id']}/return",
        {"returned_on": TODAY.isoformat(), "condition": "Đủ"},
    )
    assert wrong.status_code == 404
    early = post(
        manager,
        f"{base}/{first['id']}/return",
        {"returned_on": (TODAY - timedelta(days=9)).isoformat(), "condition": "Đủ"},
    )
    assert early.status_code == 422
    assert early.json()["error"]["problems"][0]["code"] == "returned_before_out"
    assert PaperLoan.objects.get().is_open
    anonymous = Client().post(base, BODY, content_type="application/json")
    assert anonymous.status_code == 401
