"""Exports need a grant allowing export, are stamped and audited with their SHA-256."""

import csv
import hashlib
import io
import json
from datetime import date, timedelta

import pytest
from django.test import Client

from hoso.access.exports import cell
from hoso.access.services import grant_issue, token_create
from hoso.audit.models import AuditEvent
from hoso.core.dates import today


def client_for(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=user)}")


def export_grant(personas, grantee, **kw):
    return grant_issue(
        acting_user=personas["quanly"],
        grantee=grantee,
        purpose="Báo cáo thống kê",
        document_number="45/QĐ-SNV",
        document_date=date(2026, 11, 2),
        signer="Giám đốc Sở",
        valid_from=today() - timedelta(days=1),
        valid_to=today() + timedelta(days=10),
        **kw,
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        (None, ""),
    ],
)
def test_cells_never_start_a_formula(raw, shown):
    assert cell(raw) == shown


def test_duty_alone_does_not_allow_export(personas, make_dossier):
    make_dossier()
    response = client_for(personas["quanly"]).get("/api/v1/people/export.csv")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "export_not_allowed"
    assert AuditEvent.objects.filter(action="export", outcome="deny").count() == 1


def test_an_export_grant_gives_a_stamped_audited_csv(personas, make_dossier, orgs):
    make_dossier(full_name='=HYPERLINK("http://x")')  # a hostile name in the data
    make_dossier(full_name="Trần Thị Bình", sex="F")
    export_grant(personas, personas["lanhdao"], organization=orgs["finance"], allow_export=True)
    response = client_for(personas["lanhdao"]).get("/api/v1/people/export.csv")
    assert response.status_code == 200
    body = response.content
    assert hashlib.sha256(body).hexdigest() == response["X-Content-SHA256"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == "# Người xuất: lanhdao" and response["X-Export-Id"] in rows[1][2]
    names = [r[1] for r in rows[3:]]
    assert "Trần Thị Bình" in names
    assert not any(n.startswith("=") for n in names)
    [event] = AuditEvent.objects.filter(action="export", outcome="ok")
    assert event.detail["sha256"] == response["X-Content-SHA256"]
    assert event.detail["export_id"] == response["X-Export-Id"]


def test_a_grant_without_export_permission_does_not_export(personas, make_dossier):
    person = make_dossier()
    export_grant(personas, personas["ngoai"], person_ids=[person.personal_id])
    client = client_for(personas["ngoai"])
    assert client.get(f"/api/v1/people/{person.personal_id}").status_code == 200
    assert client.get(f"/api/v1/people/{person.personal_id}/export.json").status_code == 403


def test_a_dossier_export_is_masked_and_stamped(personas, make_dossier):
    person = make_dossier()
    export_grant(personas, personas["ngoai"], person_ids=[person.personal_id], allow_export=True)
    response = client_for(personas["ngoai"]).get(f"/api/v1/people/{person.personal_id}/export.json")
    document = json.loads(response.content)
    assert (
        document["export"]["by"] == "ngoai" and document["export"]["id"] == response["X-Export-Id"]
    )
    assert document["sections"]["identity"]["phone"] is None  # above the grant's ceiling
    assert "identity.phone" in document["masked"]
