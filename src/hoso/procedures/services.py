"""Start a procedure and act on its steps (R-ONLINE-100): in order, by the duty that owns the
step, never by the proposer after the proposal, signed (CMS over canonical JSON), audited and
clocked on working days. A step is approved only with the documents its catalog entry names
(`procedures.documents`). The last step registers the decision through the decision path.
And keep a citizen's feedback on a unit's service (R-TRANSPARENT; `procedures.feedback`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import IO, Any, Protocol

from django.db import transaction
from django.utils import timezone

from hoso.access import policies, recorder
from hoso.access.models import Role, User
from hoso.audit import services as audit_services
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.calendar.selectors import calendar
from hoso.changes.services.decisions import decision_register
from hoso.changes.signatures import sign_checked, signing_key_for, trust_roots
from hoso.core.context import current
from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError, NotFound, Problem, ValidationFailed
from hoso.documents.intake import PDF, received
from hoso.documents.storage import storage
from hoso.eligibility.engine import evaluate
from hoso.people.models import Person
from hoso.people.selectors import person_queryset
from hoso.procedures import evaluation, feedback, fields, planning, reduction
from hoso.procedures.definitions import StepDef, TypeDef, type_def
from hoso.procedures.documents import document_name, pades_sign, step_documents
from hoso.procedures.models import (
    Procedure,
    ProcedureDocument,
    ProcedureState,
    ProcedureStep,
    ServiceFeedback,
    StepOutcome,
)
from hoso.signing.canonical import canonical
from hoso.signing.cms import serial_hex, verify_json

STEP_FORMAT = "hoso.procedure.step/1"
NOT_SAVED = "Chưa ghi gì."
NOT_STARTED = "Chưa bắt đầu quy trình."
VOTE_FIELDS = fields.VOTE_FIELDS


# A type's own checks (catalog `procedure_type`, attribute `service`): `start_problems`,
# `step_problems` and the decision's `decision_parameters` (docs/howto/add-a-procedure-type.md).
class TypeService(Protocol):
    def start_problems(
        self, access: policies.DossierAccess, params: dict[str, Any], today: date
    ) -> list[Problem]: ...

    def step_problems(
        self,
        procedure: Procedure,
        definition: TypeDef,
        step: StepDef,
        access: policies.DossierAccess,
        data: dict[str, Any],
    ) -> list[Problem]: ...

    def decision_parameters(
        self,
        procedure: Procedure,
        definition: TypeDef,
        access: policies.DossierAccess,
        data: dict[str, Any],
    ) -> dict[str, Any]: ...


SERVICES: dict[str, TypeService] = {
    "evaluation": evaluation,
    "staff_reduction": reduction,
    "planning": planning.ADDITION_CHECKS,
    "planning_removal": planning.REMOVAL_CHECKS,
}


def _refuse(code: str, message: str, status: int) -> DomainError:
    return DomainError(code=code, message=message, status=status)


def _person(personal_id: str) -> Person:
    person = (
        person_queryset().filter(personal_id=personal_id).select_related("current_unit").first()
    )
    if person is None or person.current_unit is None:
        raise NotFound()
    return person


def _audit(user: User, procedure: Procedure, outcome: str, detail: dict[str, Any]) -> None:
    recorder.record(
        user=user,
        action=AuditAction.PROCEDURE,
        outcome=outcome,
        personal_id=procedure.personal_id,
        detail={"procedure": procedure.pk, "type": procedure.procedure_type, **detail},
    )


def _moment_of(today: date) -> datetime:
    """Now, or 08:30 of `today` (the node's time zone) when the start is backdated: the demo
    and the tests open a procedure days ago, and its start date must agree with the deadlines
    counted from it. Neither the pages nor the API pass `today`."""
    if today >= local_today():
        return timezone.now()
    return timezone.make_aware(datetime.combine(today, time(8, 30)))


def procedure_start(
    *,
    acting_user: User,
    procedure_type: str,
    personal_id: str,
    params: dict[str, Any],
    today: date | None = None,
) -> Procedure:
    """Open a procedure at its first step; only a duty of the first step over the unit may."""
    today = today or local_today()
    definition = type_def(procedure_type)
    first = definition.steps[0]
    # The write gate: a protected dossier or one outside the duty answers a missing one's 404,
    # the denial audited.
    access = policies.dossier_write(acting_user, personal_id, Purpose.PROPOSE, {first.duty})
    person = access.person
    service = SERVICES.get(definition.service)
    if service is not None:
        problems = service.start_problems(access, params, today)
        if problems:
            raise ValidationFailed(problems, NOT_STARTED)
    procedure = Procedure.objects.create(
        started_at=_moment_of(today),
        procedure_type=definition.code,
        type_version=definition.version,
        personal_id=person.personal_id,
        unit_code=person.current_unit.code,
        params=params,
        current_step=first.code,
        current_due=calendar().add_working_days(today, first.working_days),
        started_by=acting_user,
    )
    _audit(acting_user, procedure, AuditOutcome.OK, {"started": first.code})
    return procedure


def _check_data(step: StepDef, outcome: str, reason: str, data: dict[str, Any]) -> None:
    """Outcome, reason, votes and the step's field spec (`procedures.fields`); all at once."""
    problems: list[Problem] = []
    if outcome not in StepOutcome.values:
        problems.append(
            Problem("procedure_outcome_invalid", "Kết quả phải là đồng ý hoặc từ chối.", "outcome")
        )
    if outcome == StepOutcome.REJECT and not reason.strip():
        problems.append(Problem("procedure_reason_required", "Từ chối phải nêu lý do.", "reason"))
    if step.vote and outcome == StepOutcome.APPROVE:
        for name in VOTE_FIELDS:
            value = data.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(
                    Problem("procedure_vote_invalid", "Số phiếu phải là số nguyên không âm.", name)
                )
    problems += fields.check(step, data, approving=outcome == StepOutcome.APPROVE)
    if problems:
        raise ValidationFailed(problems, NOT_SAVED)


def _decision_args(
    procedure: Procedure,
    definition: TypeDef,
    data: dict[str, Any],
    today: date,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    return {
        "decision_type": definition.decision_type,
        "number": str(data.get("number", "")),
        "signed_date": date.fromisoformat(str(data.get("signed_date", today.isoformat()))),
        "issuer": str(data.get("issuer", "")),
        "received_date": today,
        "effective_date": date.fromisoformat(str(data.get("effective_date", today.isoformat()))),
        "personal_id": procedure.personal_id,
        "parameters": parameters,
    }


def _eligibility(
    user: User, person: Person, procedure: Procedure, action: str, today: date
) -> list[dict[str, Any]]:
    """The eligibility engine's verdict, stored as data; ineligible → refused with its
    reasons (no override)."""
    position = procedure.params.get("decision", {}).get("position_code") or None
    verdict = evaluate(person, action, today, position=position, acting_user=user)
    reasons = verdict.reasons_data()
    if not verdict.eligible:
        raise ValidationFailed(
            [Problem(f"ineligible_{r['rule']}", r["message"]) for r in reasons if not r["passed"]],
            "Người được đề xuất chưa đủ điều kiện; " + NOT_SAVED,
        )
    return reasons


def _holds_duty(user: User, access: policies.DossierAccess, step: StepDef) -> bool:
    """The step's duty over the person's unit; a self-service step (duty `employee`) is the
    person's own, on the "self" basis of the gate, and nobody else's."""
    if step.duty == Role.EMPLOYEE:
        return "self" in access.basis
    return policies.duty_covers(user, {step.duty}, access.person.current_unit.path)


def step_payload(procedure: Procedure, step: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": STEP_FORMAT,
        "procedure": {
            "id": procedure.pk,
            "type": procedure.procedure_type,
            "version": procedure.type_version,
            "personal_id": procedure.personal_id,
            "params": procedure.params,
        },
        "step": step,
    }


def step_act(
    *,
    acting_user: User,
    procedure_id: int,
    step_code: str,
    outcome: str,
    revision: int,
    idempotency_key: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    today: date | None = None,
) -> ProcedureStep:
    """Act on the current step; see the module docstring for the invariants.

    The dossier gate comes before any other answer: to a reader who may not open the
    dossier, a procedure about it is a missing one — no replayed step, no 409, no step
    order. It and a wrong duty's denial are recorded outside the step's transaction, so
    that the refusal which rolls the step back does not roll its audit back too."""
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        raise NotFound()
    access = policies.dossier_open_write(acting_user, procedure.personal_id, Purpose.PROPOSE)
    try:
        return _step_act(
            acting_user=acting_user,
            procedure_id=procedure_id,
            access=access,
            step_code=step_code,
            outcome=outcome,
            revision=revision,
            idempotency_key=idempotency_key,
            reason=reason,
            data=data,
            today=today,
        )
    except DomainError as error:
        if error.code == "procedure_wrong_duty":
            _audit(acting_user, procedure, AuditOutcome.DENY, {"step": step_code})
        raise


@transaction.atomic
def _step_act(
    *,
    acting_user: User,
    procedure_id: int,
    access: policies.DossierAccess,
    step_code: str,
    outcome: str,
    revision: int,
    idempotency_key: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    today: date | None = None,
) -> ProcedureStep:
    today = today or local_today()
    data = dict(data or {})
    procedure = Procedure.objects.select_for_update().get(pk=procedure_id)
    person = access.person
    done = procedure.steps.filter(idempotency_key=idempotency_key).first()
    if done is not None:
        return done  # a double submission returns the first, writes nothing
    if revision != procedure.revision:
        raise _refuse(
            "procedure_stale",
            "Quy trình đã thay đổi từ khi bạn mở trang; tải lại rồi thực hiện lại.",
            409,
        )
    definition, step = _step_allowed(acting_user, procedure, access, step_code)
    _check_data(step, outcome, reason, data)
    service = SERVICES.get(definition.service)
    if service is not None and outcome == StepOutcome.APPROVE:
        problems = service.step_problems(procedure, definition, step, access, data)
        if problems:
            raise ValidationFailed(problems, NOT_SAVED)
    if outcome == StepOutcome.APPROVE and step.documents:
        # Each document the catalog names, uploaded and PAdES-signed by this actor for this
        # step (`documents.document_attach`); the record below signs their SHA-256.
        data["documents"] = step_documents(procedure, step, acting_user, data.get("documents"))
    else:
        data.pop("documents", None)
    if step.eligibility and outcome == StepOutcome.APPROVE:
        data["verdict"] = _eligibility(acting_user, person, procedure, step.eligibility, today)
    if step.issues_decision and outcome == StepOutcome.APPROVE:
        parameters = (
            service.decision_parameters(procedure, definition, access, data)
            if service is not None
            else procedure.params.get("decision", {})
        )
        decision = decision_register(
            acting_user=acting_user,
            **_decision_args(procedure, definition, data, today, parameters),
        )
        data["decision_id"] = decision.pk
        procedure.decision_id = decision.pk
    deadline = procedure.current_due or today
    record = {
        "code": step_code,
        "duty": step.duty,
        "actor": acting_user.get_username(),
        "outcome": outcome,
        "reason": reason.strip(),
        "data": data,
        "deadline": deadline.isoformat(),
        "acted_on": today.isoformat(),
    }
    payload = step_payload(procedure, record)
    signature, _result = sign_checked(
        payload, signing_key_for(acting_user), acting_user.get_username()
    )
    saved = ProcedureStep.objects.create(
        procedure=procedure,
        step_code=step_code,
        duty=step.duty,
        actor=acting_user,
        acted_at=timezone.now(),
        outcome=outcome,
        reason=reason.strip(),
        data=data,
        deadline=deadline,
        overdue=today > deadline,
        idempotency_key=idempotency_key,
        payload=canonical(payload),
        signature=signature.der,
        certificate_serial=signature.certificate_serial,
    )
    following = definition.after(step_code)
    if outcome == StepOutcome.REJECT:
        procedure.state, procedure.current_step, procedure.current_due = (
            ProcedureState.REJECTED,
            "",
            None,
        )
    elif following is None:
        procedure.state, procedure.current_step, procedure.current_due = (
            ProcedureState.DONE,
            "",
            None,
        )
    else:
        procedure.current_step = following.code
        procedure.current_due = calendar().add_working_days(today, following.working_days)
    procedure.revision += 1
    procedure.save()
    _audit(acting_user, procedure, AuditOutcome.OK, {"step": step_code, "outcome": outcome})
    return saved


def step_verify(step: ProcedureStep) -> Any:
    """Check a stored step signature against the trusted roots."""
    return verify_json(bytes(step.payload), bytes(step.signature), trust_roots())


def _step_allowed(
    user: User, procedure: Procedure, access: policies.DossierAccess, step_code: str
) -> tuple[TypeDef, StepDef]:
    """What a step and an upload for it both answer, in this order: the procedure runs, the
    step is the current one, `user` holds its duty (the employee's own: only on their
    dossier), and is not the proposer. The caller records a wrong duty's denial."""
    if procedure.state != ProcedureState.RUNNING:
        raise _refuse("procedure_closed", "Quy trình đã kết thúc; không thực hiện thêm bước.", 409)
    if step_code != procedure.current_step:
        raise _refuse(
            "procedure_step_out_of_order",
            "Bước này chưa đến lượt hoặc đã xong; các bước phải làm lần lượt.",
            400,
        )
    definition = type_def(procedure.procedure_type)
    step = definition.step(step_code)
    if not _holds_duty(user, access, step):
        raise _refuse(
            "procedure_wrong_duty",
            "Bạn không giữ nhiệm vụ thực hiện bước này đối với đơn vị của người được đề xuất.",
            403,
        )
    proposal = procedure.steps.filter(step_code=definition.steps[0].code).first()
    if proposal is not None and proposal.actor_id == user.pk:
        raise _refuse(
            "procedure_own_proposal",
            "Người đề xuất không được tự thông qua các bước tiếp theo của đề xuất của mình.",
            403,
        )
    return definition, step


def document_attach(
    *,
    acting_user: User,
    procedure_id: int,
    step_code: str,
    code: str,
    filename: str,
    content: IO[bytes] | Iterable[bytes],
) -> ProcedureDocument:
    """Judge, PAdES-sign (the actor's key) and store the PDF `code` of the current step; its id
    goes into the step's `data["documents"]`. Only the duty that owns the step may, with
    `step_act`'s answers; nothing is stored on a refusal. Not one transaction: a refusal's
    audit event (the gate's, a wrong duty's) must stay."""
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        raise NotFound()
    access = policies.dossier_open_write(acting_user, procedure.personal_id, Purpose.PROPOSE)
    try:
        _, step = _step_allowed(acting_user, procedure, access, step_code)
    except DomainError as error:
        if error.code == "procedure_wrong_duty":
            _audit(acting_user, procedure, AuditOutcome.DENY, {"step": step_code, "document": True})
        raise
    if code not in step.documents:
        raise ValidationFailed(
            [Problem("procedure_document_unknown", "Bước này không cần tài liệu này.", "code")],
            NOT_SAVED,
        )
    with received(filename=filename, content=content) as upload:
        if upload.media_type != PDF:
            raise ValidationFailed(
                [
                    Problem(
                        "procedure_document_not_pdf", "Tài liệu của bước phải là tệp PDF.", "file"
                    )
                ],
                NOT_SAVED,
            )
        pdf = upload.path.read_bytes()
        name, pages = upload.safe_name, upload.pages
    signed = pades_sign(pdf, acting_user, f"{document_name(code)} – {step.name}")
    stored = storage().put([signed])
    with transaction.atomic():
        document = ProcedureDocument.objects.create(
            procedure=procedure,
            step_code=step_code,
            code=code,
            filename=name,
            key=stored.key,
            sha256=stored.sha256,
            size=stored.size,
            pages=pages,
            certificate_serial=serial_hex(signing_key_for(acting_user).certificate),
            signed_by=acting_user,
            signed_at=timezone.now(),
        )
        _audit(
            acting_user,
            procedure,
            AuditOutcome.OK,
            {"step": step_code, "document": code, "sha256": stored.sha256},
        )
    return document


@transaction.atomic
def feedback_submit(
    *, address: str, unit_code: str, rating: str, comment: str, on: date | None = None
) -> ServiceFeedback:
    """Keep one feedback after the rate limit and the checks; every refusal changes nothing.
    `address` is only counted (hashed), never kept; the audit event (`FEEDBACK`) has neither
    actor nor address."""
    on = on or local_today()
    feedback.count_submission(address)
    unit_code, comment = unit_code.strip(), comment.strip()
    problems = feedback.problems_of(unit_code, rating, comment, on)
    if problems:
        raise ValidationFailed(problems, "Ý kiến chưa được gửi.")
    saved = ServiceFeedback.objects.create(
        unit_code=unit_code, rating=int(rating), comment=comment, submitted_on=on
    )
    audit_services.event_record(
        actor=None,
        action=AuditAction.FEEDBACK,
        outcome=AuditOutcome.OK,
        correlation_id=current().correlation_id,
        detail={"feedback": saved.pk, "unit": saved.unit_code, "rating": saved.rating},
    )
    return saved
