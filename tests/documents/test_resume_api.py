"""/api/v1: the résumé signed and served stamped, component copies, and their refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from resume_helpers import rich_dossier, seal_key_ready_fixture, stored_component  # noqa: F401

from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.core.dates import today
from hoso.documents.models import ServedCopy, SignedResume
from hoso.documents.resume_pdf import SIGNATURE_FIELD, signatures_check
from hoso.documents.stamping import STAMP_FIELD


@pytest.fixture
def api(personas, seal_key_ready):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


@pytest.fixture
def person(orgs):
    from hoso.people.services import dossier_create

    return dossier_create(acting_user=None, data=rich_dossier())


def test_a_records_manager_signs_then_a_reader_gets_a_sealed_copy(api, person):
    pid = person.personal_id
    missing = api("quanly").get(f"/api/v1/people/{pid}/resume.pdf")
    assert missing.status_code == 409
    assert missing.json()["error"]["code"] == "resume_not_signed"
    assert "ký số" in missing.json()["error"]["message"]
    created = api("quanly").post(f"/api/v1/people/{pid}/resume")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["personal_id"], body["version_number"], body["signer"]) == (pid, 0, "quanly")
    response = api("nhaplieu").get(f"/api/v1/people/{pid}/resume.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    export_id = response["X-Export-Id"]
    assert export_id in response["Content-Disposition"]
    checks = {c.field_name: c for c in signatures_check(response.content)}
    assert set(checks) == {SIGNATURE_FIELD, STAMP_FIELD}
    assert all(c.valid and c.docmdp_ok for c in checks.values())
    copy = ServedCopy.objects.get(export_id=export_id)
    assert (copy.username, copy.purpose) == ("nhaplieu", "resume_copy")
    assert AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_SERVE, outcome=AuditOutcome.ALLOW
    ).exists()
    day = today().isoformat()
    assert api("quanly").get(f"/api/v1/people/{pid}/resume.pdf", {"as_of": day}).status_code == 200


def test_missing_and_forbidden_dossiers_get_the_same_404(api, person):
    outsider = api("ngoai").get(f"/api/v1/people/{person.personal_id}/resume.pdf")
    nobody = api("quanly").get("/api/v1/people/001099000999/resume.pdf")
    assert outsider.status_code == nobody.status_code == 404
    assert outsider.json() == nobody.json()
    # The leader may open the dossier, but not everything the résumé shows.
    assert api("lanhdao").get(f"/api/v1/people/{person.personal_id}/resume.pdf").status_code == 404


def test_a_bad_as_of_is_a_clear_422(api, person):
    url = f"/api/v1/people/{person.personal_id}/resume.pdf"
    malformed = api("quanly").get(url, {"as_of": "14/03/2026"})
    assert malformed.status_code == 422
    assert malformed.json()["error"]["problems"][0]["code"] == "bad_as_of"
    assert "YYYY-MM-DD" in malformed.json()["error"]["problems"][0]["message"]
    future = api("quanly").get(url, {"as_of": (today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "as_of_future"
    signing = api("quanly").post(f"/api/v1/people/{person.personal_id}/resume?as_of=2026-02-30")
    assert signing.status_code == 422
    # An empty `as_of=` is no day at all, not "now": the client is told (the schema's date).
    empty = api("quanly").post(f"/api/v1/people/{person.personal_id}/resume?as_of=")
    assert empty.status_code == 422
    assert empty.json()["error"]["problems"][0]["code"] == "bad_as_of"
    assert not SignedResume.objects.exists()


def test_only_a_records_manager_may_sign(api, person):
    clerk = api("nhaplieu").post(f"/api/v1/people/{person.personal_id}/resume")
    assert clerk.status_code == 403
    assert clerk.json()["error"]["code"] == "not_records_manager"
    assert api("ngoai").post(f"/api/v1/people/{person.personal_id}/resume").status_code == 404
    assert not SignedResume.objects.exists()


def test_a_component_copy_is_stamped_and_an_unknown_one_is_404(api, person, personas):
    from scans import typeset_pdf

    pdf = typeset_pdf(["BẰNG CỬ NHÂN", "Trần Thị Hồng Nhung"])
    component = stored_component(person, personas["nhaplieu"], original=pdf, pdfa=pdf)
    response = api("quanly").get(f"/api/v1/components/{component.pk}/copy.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert ServedCopy.objects.get(export_id=response["X-Export-Id"]).component == component
    assert api("ngoai").get(f"/api/v1/components/{component.pk}/copy.pdf").status_code == 404
    unknown = api("quanly").get("/api/v1/components/999999/copy.pdf")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_a_hidden_component_copy_is_refused_like_on_the_page(api, person, personas):
    from scans import typeset_pdf

    pdf = typeset_pdf(["GIẤY KHÁM SỨC KHỎE", "Kết luận"])
    health = stored_component(
        person,
        personas["nhaplieu"],
        original=pdf,
        pdfa=pdf,
        kind="health_certificate",
        section="health",
        sensitivity="sensitive",
        title="Giấy khám sức khỏe",
    )
    # The leader reads dossiers up to "personal": the same lookup and audit as the page's
    # (`selectors.components.component_for`), a 404 like an unknown id, no copy made.
    response = api("lanhdao").get(f"/api/v1/components/{health.pk}/copy.pdf")
    assert response.status_code == 404
    denied = AuditEvent.objects.get(
        action=AuditAction.DOSSIER_READ_DENIED, purpose="component_copy"
    )
    assert denied.detail["component"] == health.pk
    assert denied.detail["reason"] == "document_class"
    assert not ServedCopy.objects.exists()


def test_the_endpoints_are_in_the_openapi_document(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/people/{personal_id}/resume.pdf",
        "/api/v1/people/{personal_id}/resume",
        "/api/v1/components/{component_id}/copy.pdf",
    ):
        assert path in paths
