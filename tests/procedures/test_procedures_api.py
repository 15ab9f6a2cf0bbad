"""/api/v1/procedures: start, act, waiting work, history; stable codes (R-ONLINE-100)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.procedures.common import a_pdf

from hoso.access.services import token_create

POST = {"decision": {"position_code": "deputy_director_so"}}


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def upload(client, pid, step_code, code, content, name="to-trinh.pdf"):
    return client.post(
        f"/api/v1/procedures/{pid}/documents",
        {"step_code": step_code, "code": code, "file": SimpleUploadedFile(name, content)},
    )


def test_a_procedure_is_started_acted_on_and_read_through_the_api(api, make_dossier):
    person = make_dossier()
    clerk, manager = api("nhaplieu"), api("quanly")
    started = post(
        clerk,
        "/api/v1/procedures",
        {"procedure_type": "appointment", "personal_id": person.personal_id, "params": POST},
    )
    assert started.status_code == 201, started.content
    pid = started.json()["id"]
    step = {
        "step_code": "appointment.proposal",
        "outcome": "approve",
        "revision": 0,
        "idempotency_key": "a1",
    }
    missing = post(clerk, f"/api/v1/procedures/{pid}/steps", step)
    assert missing.status_code == 422
    assert missing.json()["error"]["problems"][0]["code"] == "procedure_document_missing"
    uploaded = upload(clerk, pid, "appointment.proposal", "to_trinh", a_pdf())
    assert uploaded.status_code == 201, uploaded.content
    step["data"] = {"documents": {"to_trinh": uploaded.json()["id"]}}
    acted = post(clerk, f"/api/v1/procedures/{pid}/steps", step)
    assert acted.status_code == 200, acted.content
    assert acted.json()["current_step"] == "appointment.planning"
    # The same submission again: the same answer, nothing added.
    again = post(clerk, f"/api/v1/procedures/{pid}/steps", step)
    assert again.status_code == 200 and len(again.json()["steps"]) == 1
    waiting = manager.get("/api/v1/procedures").json()
    assert [p["id"] for p in waiting] == [pid]
    stale = post(
        manager,
        f"/api/v1/procedures/{pid}/steps",
        {
            "step_code": "appointment.planning",
            "outcome": "approve",
            "revision": 0,
            "idempotency_key": "b1",
        },
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "procedure_stale"
    history = manager.get(f"/api/v1/procedures/{pid}").json()
    assert history["steps"][0]["actor"] == "nhaplieu"
    assert api("ngoai").get(f"/api/v1/procedures/{pid}").status_code == 404


def test_a_step_document_must_be_a_pdf_uploaded_by_the_duty_of_the_step(api, make_dossier):
    """R-ONLINE-100: the step's documents are PDFs, signed by whoever acts on the step."""
    person = make_dossier()
    clerk = api("nhaplieu")
    started = post(
        clerk,
        "/api/v1/procedures",
        {"procedure_type": "appointment", "personal_id": person.personal_id, "params": POST},
    )
    pid = started.json()["id"]
    jpeg = upload(clerk, pid, "appointment.proposal", "to_trinh", b"\xff\xd8\xff\xe0", "a.jpg")
    assert jpeg.status_code in (400, 422)
    broken = upload(clerk, pid, "appointment.proposal", "to_trinh", b"%PDF-1.4 not a pdf")
    assert broken.status_code in (400, 422)
    unknown = upload(clerk, pid, "appointment.proposal", "quyet_dinh", a_pdf())
    assert unknown.json()["error"]["problems"][0]["code"] == "procedure_document_unknown"
    leader = upload(api("lanhdao"), pid, "appointment.proposal", "to_trinh", a_pdf())
    assert (leader.status_code, leader.json()["error"]["code"]) == (403, "procedure_wrong_duty")
    stranger = upload(api("ngoai"), pid, "appointment.proposal", "to_trinh", a_pdf())
    assert stranger.status_code == 404
    from hoso.procedures.models import ProcedureDocument

    assert not ProcedureDocument.objects.exists()
