"""Downloading a step's signed document (R-ONLINE-100, R-PROHIBITED; issue 12): from the procedure
page and the API, through the gate and audited, the exact PAdES-signed bytes (the signature
validates, the SHA-256 is the one the step's record signs), decrypted from storage, and
nothing for a reader who may not open the dossier."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from tests.documents.components_common import documents_sandbox  # noqa: F401 (fixture)
from tests.procedures.common import act

from conftest import login
from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.core.errors import DomainError, NotFound
from hoso.documents.resume_pdf import signatures_check
from hoso.documents.storage import storage
from hoso.procedures.models import ProcedureDocument
from hoso.procedures.selectors import document_open
from hoso.procedures.services import procedure_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(personas, make_dossier):
    """An appointment whose proposal the clerk signed, with its one document."""
    person = make_dossier()
    procedure = procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=person.personal_id,
        params={"decision": {"position_code": "deputy_director_so"}},
    )
    step = act(personas["nhaplieu"], procedure, "appointment.proposal")
    (document,) = ProcedureDocument.objects.filter(procedure=procedure)
    return procedure, step, document


def served(user_events, outcome):
    return [e for e in user_events if e.outcome == outcome]


def test_the_page_serves_the_signed_pdf_whose_hash_the_step_signs(personas, proposed):
    procedure, step, document = proposed
    client = login(Client(), personas["lanhdao"])
    page = client.get(reverse("web:procedure", args=[procedure.pk])).content.decode()
    url = reverse("web:procedure_document", args=[procedure.pk, document.pk])
    assert url in page  # the history links the file
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    content = response.content
    assert hashlib.sha256(content).hexdigest() == step.data["documents"]["to_trinh"]["sha256"]
    (check,) = signatures_check(content)
    assert check.valid
    assert (check.field_name, check.trusted) == ("KySoBuocQuyTrinh", True)
    event = AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_SERVE, outcome=AuditOutcome.ALLOW
    ).get()
    assert event.personal_id == procedure.personal_id
    assert event.detail["procedure_document"] == document.pk
    assert event.detail["sha256"] == document.sha256


def test_the_api_serves_the_same_bytes(personas, proposed):
    procedure, _step, document = proposed
    token = token_create(acting_user=None, user=personas["thanhtra"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get(f"/api/v1/procedures/{procedure.pk}/documents/{document.pk}")
    assert response.status_code == 200
    assert response["X-Hoso-Sha256"] == document.sha256
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    assert signatures_check(response.content)[0].valid


def test_the_stored_file_is_encrypted(proposed):
    _procedure, _step, document = proposed
    raw = storage().raw_path(document.key).read_bytes()
    assert b"%PDF" not in raw
    assert hashlib.sha256(raw).hexdigest() != document.sha256


def test_a_reader_outside_the_dossier_gets_404_and_the_refusal_is_audited(personas, proposed):
    procedure, _step, document = proposed
    client = login(Client(), personas["ngoai"])
    url = reverse("web:procedure_document", args=[procedure.pk, document.pk])
    assert client.get(url).status_code == 404
    token = token_create(acting_user=None, user=personas["ngoai"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    path = f"/api/v1/procedures/{procedure.pk}/documents/{document.pk}"
    assert api.get(path).status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_SERVE, outcome=AuditOutcome.ALLOW
    ).exists()
    denied = AuditEvent.objects.filter(
        personal_id=procedure.personal_id,
        outcome=AuditOutcome.DENY,
        actor_user_id=personas["ngoai"].pk,
    )
    assert denied.count() == 2


def test_a_document_of_another_procedure_is_a_missing_one(personas, proposed, make_dossier):
    procedure, _step, document = proposed
    other = procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=make_dossier().personal_id,
        params={"decision": {"position_code": "deputy_director_so"}},
    )
    with pytest.raises(NotFound):
        document_open(personas["quanly"], other.pk, document.pk)
    with pytest.raises(NotFound):
        document_open(personas["quanly"], procedure.pk, document.pk + 1000)
    denials = AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_SERVE, outcome=AuditOutcome.DENY
    )
    assert sorted(e.detail["procedure"] for e in denials) == sorted([other.pk, procedure.pk])


def test_a_damaged_stored_file_is_refused_not_served(personas, proposed):
    procedure, _step, document = proposed
    path = storage().raw_path(document.key)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DomainError) as caught:
        document_open(personas["quanly"], procedure.pk, document.pk)
    assert (caught.value.code, caught.value.status) == ("procedure_document_damaged", 409)
    assert not AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_SERVE, outcome=AuditOutcome.ALLOW
    ).exists()
