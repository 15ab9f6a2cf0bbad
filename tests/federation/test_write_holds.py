"""Every write to a dossier handed over to another node, or being handed over, is refused by the
one write gate (R-NO-SILO; issue 14 item 3: "the sender keeps a read-only trace"): the web and
the API answer with the stable code and its Vietnamese message, the refusal is audited, and
nothing is stored; the trace itself stays readable. The writes are the authorization matrix's
rows (tests/access/test_authorization_matrix.py `WRITES`, which its own test keeps complete),
each first checked to go through on the same dossier without a hand-over, so that a refusal
here is the hold's and not a malformed request's (docs/decisions/0024-write-holds.md).
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.access.test_authorization_matrix import WRITES, _jpeg, _open_loan, _stored, _write
from tests.eligibility.helpers import eligible

from conftest import login
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.federation import handover
from hoso.federation.models import Handover, HandoverRole, HandoverState

NEW_AGENCY = "Sở Nội vụ tỉnh B"
# The hand-over's own route refuses a second hand-over with the same codes, by its own
# states (tests/federation/test_handover.py); it is not a write to the dossier.
HOLD_WRITES = [name for name in WRITES if name != "POST /api/v1/people/{personal_id}/handover"]
# Who sends each write: the records manager decides, lends and resolves; the clerk enters.
MANAGER_WRITES = {
    "POST /api/v1/people/{personal_id}/resume",
    "web:resume_sign",
    "web:changeset_approve",
    "web:changeset_reject",
    "POST /api/v1/changesets/{changeset_id}/approve",
    "POST /api/v1/changesets/{changeset_id}/reject",
    "web:discrepancy_resolve",
    "web:paper_loan_open",
    "web:paper_loan_return",
    "web:paper_loan_extend",
    "POST /api/v1/people/{personal_id}/paper-loans",
    "POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/return",
    "POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/extend",
}
BACK_TO_DOSSIER = {"web:component_move", "web:finding_confirm", "web:finding_dismiss"}
LOAN_OPENS = {"web:paper_loan_open", "POST /api/v1/people/{personal_id}/paper-loans"}


@pytest.fixture
def target(personas, make_dossier, settings, tmp_path_factory):
    """A dossier of the clerk's department with what the writes act on: a scan, a finding on
    it, a proposal by the clerk, a discrepancy report and (for the writes on a loan) a loan."""
    from hoso.changes.services.changesets import changeset_propose
    from hoso.changes.services.discrepancies import discrepancy_report
    from hoso.documents.models import ConsistencyFinding
    from hoso.documents.services.components import component_add

    settings.HOSO_STORAGE_DIR = tmp_path_factory.mktemp("hoso-files")
    person = make_dossier(unit="T01.STC", full_name="Trương Văn Chuyển", **eligible())
    pid = person.personal_id
    clerk = personas["nhaplieu"]
    scan = component_add(
        acting_user=clerk,
        personal_id=pid,
        kind="birth_certificate",
        title="Giấy khai sinh Trương Văn Chuyển",
        filename="khai-sinh.jpg",
        content=[_jpeg()],
    )
    second = component_add(
        acting_user=clerk,
        personal_id=pid,
        kind="birth_certificate",
        title="Bản sao giấy khai sinh",
        filename="ban-sao.jpg",
        content=[_jpeg()],
    )
    return {
        "person": person,
        "component": second,  # the scan the move puts first
        "finding": ConsistencyFinding.objects.create(
            component=scan,
            personal_id=pid,
            field="identity.full_name",
            section="identity",
            dossier_value=person.full_name,
            scanned_value="Trương Văn Chuyến",
            found_at=timezone.now(),
        ),
        "changeset": changeset_propose(
            acting_user=clerk,
            personal_id=pid,
            operations=[{"op": "set", "section": "identity", "values": {"phone": "0987654321"}}],
            source_kind="decision",
            source_note="Quyết định 1/QĐ",
        ),
        "discrepancy": discrepancy_report(
            acting_user=clerk, personal_id=pid, sections=["identity"], paper_says="Số khác"
        ),
    }


def _writer(personas, name: str) -> Client:
    client = Client()
    login(client, personas["quanly" if name in MANAGER_WRITES else "nhaplieu"])
    return client


def _prepare(personas, target, name: str) -> None:
    if name not in LOAN_OPENS:  # one open loan at a time: the loan writes act on this one
        target["loan"] = _open_loan(target["person"].personal_id, personas["quanly"])


def _send(client: Client, name: str, target: dict):
    """The matrix's request; the scan pages' buttons also post the dossier they come back to."""
    if name in BACK_TO_DOSSIER:
        data = {"position": 1, "reason": "Sai", "note": ""}
        data["personal_id"] = target["person"].personal_id
        pk = target["component" if name == "web:component_move" else "finding"].pk
        return client.post(reverse(name, args=[pk]), data)
    return _write(client, name, target)


def _trace(personal_id: str, state: str = HandoverState.MOVED) -> Handover:
    return Handover.objects.create(
        handover_id=uuid.uuid4().hex,
        role=HandoverRole.SENT,
        personal_id=personal_id,
        from_node="tinh-a",
        to_node="tinh-b",
        to_agency=NEW_AGENCY,
        state=state,
    )


@pytest.mark.parametrize("name", HOLD_WRITES)
def test_each_write_goes_through_without_a_hand_over(personas, target, name):
    """The control (R-NO-SILO): the same request, by the same writer, is taken. (The matrix's
    section edit posts a stale form on purpose; the entry pages' tests take a good one.)"""
    if name == "web:dossier_edit_section":
        pytest.skip("the matrix's request is refused as a stale form: tests/web/test_entry_pages")
    _prepare(personas, target, name)
    before = _stored({"t": target})
    answer = _send(_writer(personas, name), name, target)
    assert answer.status_code < 400, (answer.status_code, answer.content[:600])
    if name != "POST /api/v1/decisions/preview":  # a preview writes nothing, by design
        assert _stored({"t": target}) != before, name


@pytest.mark.parametrize(
    "state, code",
    [(HandoverState.MOVED, "managed_elsewhere"), (HandoverState.SENDING, "handover_in_progress")],
)
@pytest.mark.parametrize("name", HOLD_WRITES)
def test_each_write_is_refused_on_a_handed_over_dossier_audited_and_changes_nothing(
    personas, target, name, state, code
):
    """After a hand-over (MOVED) and during one (SENDING), every write of the web and the API
    is refused with the hold's code and Vietnamese message naming the new agency; the refusal
    is audited (DOSSIER_WRITE, DENY, its code); no row of the dossier changes (R-NO-SILO)."""
    _prepare(personas, target, name)
    pid = target["person"].personal_id
    _trace(pid, state)
    before = _stored({"t": target})
    audited = AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_WRITE, outcome=AuditOutcome.DENY, personal_id=pid
    )
    denials = audited.count()
    client = _writer(personas, name)
    answer = _send(client, name, target)
    if name.startswith("POST /api/"):
        assert answer.status_code == 422, answer.content[:600]
        problem = answer.json()["error"]["problems"][0]
        assert problem["code"] == code
        message = problem["message"]
    elif answer.status_code == 302:  # the page's way: back where it came from, with a notice
        message = client.get(answer.url).content.decode()
    else:  # or the form again, with the refusal
        assert answer.status_code in {400, 422}, answer.status_code
        message = answer.content.decode()
    assert NEW_AGENCY in message
    assert (
        "chỉ còn bản lưu để tra cứu" if code == "managed_elsewhere" else "đang được bàn giao"
    ) in message
    assert _stored({"t": target}) == before
    assert audited.count() == denials + 1
    assert audited.order_by("-pk").first().detail["code"] == code


def test_the_trace_stays_readable_on_the_page_and_through_the_api(personas, target):
    """Reads are not held (R-NO-SILO: a read-only trace, not a hidden one)."""
    pid = target["person"].personal_id
    _trace(pid)
    client = Client()
    login(client, personas["quanly"])
    assert client.get(reverse("web:dossier", args=[pid])).status_code == 200
    assert client.get(f"/api/v1/people/{pid}").status_code == 200
    assert handover.trace(pid)["to_agency"] == NEW_AGENCY


# --- The writes no route of the matrix sends: a procedure's steps, drafts, the jobs ----------


@pytest.fixture
def appointment(personas, make_dossier):
    from tests.procedures.common import POST

    from hoso.procedures.services import procedure_start

    person = make_dossier(full_name="Nguyễn Văn Bổ", **eligible(POST["decision"]["position_code"]))
    return procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=person.personal_id,
        params=POST,
    )


def _counts(personal_id: str) -> dict[str, int]:
    from hoso.changes.models import ChangeSet
    from hoso.procedures.models import Procedure, ProcedureDocument, ProcedureStep

    return {
        "procedures": Procedure.objects.filter(personal_id=personal_id).count(),
        "steps": ProcedureStep.objects.filter(procedure__personal_id=personal_id).count(),
        "documents": ProcedureDocument.objects.filter(procedure__personal_id=personal_id).count(),
        "changesets": ChangeSet.objects.filter(personal_id=personal_id).count(),
    }


@pytest.mark.parametrize(
    "state, code",
    [(HandoverState.MOVED, "managed_elsewhere"), (HandoverState.SENDING, "handover_in_progress")],
)
@pytest.mark.parametrize("write", ["step", "document", "draft", "procedure_start"])
def test_a_procedure_step_a_document_a_draft_and_a_new_procedure_are_held(
    personas, appointment, write, state, code
):
    """The procedure's step and its documents (open to the step's duty, `dossier_open_write`),
    a draft and starting a procedure (`dossier_write`): refused by the hold, audited, nothing
    stored (R-NO-SILO)."""
    from tests.procedures.common import POST, a_pdf

    from hoso.changes.services.changesets import changeset_draft_save
    from hoso.core.errors import ValidationFailed
    from hoso.procedures.services import document_attach, procedure_start, step_act

    pid = appointment.personal_id
    clerk = personas["nhaplieu"]
    _trace(pid, state)
    before = _counts(pid)
    calls = {
        "step": lambda: step_act(
            acting_user=clerk,
            procedure_id=appointment.pk,
            step_code="appointment.proposal",
            outcome="approve",
            revision=appointment.revision,
            idempotency_key="held",
            data={},
        ),
        "document": lambda: document_attach(
            acting_user=clerk,
            procedure_id=appointment.pk,
            step_code="appointment.proposal",
            code="proposal",
            filename="to-trinh.pdf",
            content=[a_pdf("to-trinh")],
        ),
        "draft": lambda: changeset_draft_save(
            acting_user=clerk,
            personal_id=pid,
            operations=[{"op": "set", "section": "identity", "values": {"phone": "0911000333"}}],
            source_kind="decision",
        ),
        "procedure_start": lambda: procedure_start(
            acting_user=clerk, procedure_type="appointment", personal_id=pid, params=POST
        ),
    }
    with pytest.raises(ValidationFailed) as refused:
        calls[write]()
    assert refused.value.problems[0].code == code
    assert NEW_AGENCY in refused.value.message
    assert _counts(pid) == before
    event = AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_WRITE, outcome=AuditOutcome.DENY, personal_id=pid
    ).get()
    assert event.detail["code"] == code


def test_the_population_reconciliation_passes_over_a_handed_over_dossier(personas, make_dossier):
    """The reconciliation job proposes nothing on a trace, and says why (R-POPULATION)."""
    from hoso.changes.models import ChangeSet
    from hoso.population.services import reconcile

    person = make_dossier(full_name="Phan Thị Đối")
    _trace(person.personal_id)
    before = ChangeSet.objects.filter(personal_id=person.personal_id).count()
    result = reconcile(acting_user=None, unit_code=person.current_unit.code)
    assert result.failures.get("managed_elsewhere") == 1
    assert ChangeSet.objects.filter(personal_id=person.personal_id).count() == before


def test_the_gate_fails_closed_when_no_hold_is_registered(monkeypatch, personas, make_dossier):
    """A node set up without the federation app may not write unchecked: the gate raises."""
    from hoso.access import holds, policies
    from hoso.access.models import Role
    from hoso.audit.purposes import Purpose

    person = make_dossier()
    monkeypatch.setattr(holds, "_holds", [])
    with pytest.raises(holds.HoldsNotReady):
        policies.dossier_write(
            personas["nhaplieu"], person.personal_id, Purpose.PROPOSE, {Role.CLERK}
        )


def test_the_federation_app_registers_the_hand_over_hold():
    """The hold the gate asks is the hand-over trace's (`federation.handover.write_refusal`)."""
    from hoso.access import holds

    assert handover.write_refusal in holds.registered()


def test_the_hold_costs_the_write_gate_one_query(monkeypatch, personas, make_dossier):
    """The gate asks the trace in one indexed query (R-FAST): the same call with a hold that
    asks nothing makes exactly one query fewer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoso.access import holds, policies
    from hoso.access.models import Role
    from hoso.audit.purposes import Purpose

    person = make_dossier()

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            policies.dossier_write(
                personas["nhaplieu"], person.personal_id, Purpose.PROPOSE, {Role.CLERK}
            )
        return len(seen)

    queries()  # warm the request's caches alike for both counts
    asked = queries()
    monkeypatch.setattr(holds, "_holds", [lambda personal_id: None])
    assert asked - queries() == 1


@pytest.mark.parametrize("channel", ["web", "api"])
def test_a_procedure_step_sent_from_the_page_or_the_api_is_refused(personas, appointment, channel):
    """The step form and the API's step answer the hold's refusal (R-NO-SILO; R-ONLINE-100):
    the page shows the form again with the message, the API says the code; no step is stored."""
    pid = appointment.personal_id
    _trace(pid)
    before = _counts(pid)
    client = Client()
    login(client, personas["nhaplieu"])
    step = {
        "step_code": "appointment.proposal",
        "outcome": "reject",
        "revision": appointment.revision,
        "idempotency_key": "held-step",
        "reason": "Không đủ điều kiện",
    }
    if channel == "web":
        form = {k: v for k, v in step.items() if k != "step_code"}
        answer = client.post(reverse("web:procedure_step", args=[appointment.pk]), form)
        assert answer.status_code == 400
        assert "chỉ còn bản lưu để tra cứu" in answer.content.decode()
    else:
        answer = client.post(
            f"/api/v1/procedures/{appointment.pk}/steps", step, content_type="application/json"
        )
        assert answer.status_code == 422, answer.content[:400]
        assert answer.json()["error"]["problems"][0]["code"] == "managed_elsewhere"
    assert NEW_AGENCY in answer.content.decode() or NEW_AGENCY in answer.json()["error"]["message"]
    assert _counts(pid) == before
