"""Discrepancies between the e-dossier and the paper dossier: warning, freeze, signed
verification (R-DISCREPANCY).

When someone finds that the e-dossier differs from the paper dossier, a warning is posted on
the dossier; until it is verified, **no update, addition or correction based on the paper
dossier** is approved; once verified and approved, the most accurate information is entered
within 5 working days.

- `discrepancy_report`: anyone who may open the dossier (`access.policies.dossier_access`)
  may report — the clerk, the records manager, a leader, and the person themself, who knows
  their own life best (R-CLEAN). Audited.
- `selectors.discrepancies.open_discrepancies(personal_id)`: the warnings every page showing
  the dossier displays.
- The freeze (`selectors.discrepancies.freeze_check`, called by
  `services.changesets.changeset_approve`): a change set whose source is
  the paper dossier and which touches a section named by an open discrepancy is refused, with
  the discrepancy named. **Decision-based and self-service change sets are not frozen**, on
  purpose: the rule forbids updates *based on the paper dossier*, because the paper is what is
  in doubt. A decision of a competent authority is a new legal fact with its own duty to be
  entered within 10 working days (R-10D-DECISION); freezing it would make the agency miss that
  deadline for a doubt about another document. A self-service proposal rests on the person's
  own declaration, not the paper. Both still need a records manager's approval, and the
  approver sees the open warning on the dossier.
- `discrepancy_resolve`: a records manager whose duty covers the person, never the reporter,
  verifies the discrepancy with a **signature**: a detached CMS over the canonical JSON of the
  discrepancy and its resolution (`verification_payload`), with the manager's signing key
  (`signatures.signing_key_for`). It opens the 5-working-day obligation to enter the
  correction (`services.obligations`). `selectors.discrepancies.discrepancy_verify` re-checks it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date

from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import Role, User
from hoso.access.policies import dossier_open_write, dossier_write, duty_covers
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes.models import Discrepancy, DiscrepancyStatus, Obligation, ObligationKind
from hoso.changes.selectors.changesets import unit_path
from hoso.changes.selectors.discrepancies import verification_payload
from hoso.changes.services.obligations import obligation_open
from hoso.changes.signatures import certificate_pem, sign_checked, signing_key_for
from hoso.core.dates import today as local_today
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.people.models import Person
from hoso.people.sections import BY_KEY, all_field_ids
from hoso.people.selectors import person_by_id, person_locked
from hoso.signing.canonical import canonical

TEXT_MAX = 2000
# Until the audit app has its own members for discrepancies, their events are change-set
# events told apart by `purpose`.
AUDIT_ACTION = AuditAction.CHANGESET


def _fail(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def discrepancy_report(
    *,
    acting_user: User,
    personal_id: str,
    sections: list[str],
    field: str = "",
    paper_says: str,
    evidence: str = "",
) -> Discrepancy:
    """Post a warning that the e-dossier differs from the paper dossier.

    Invariants: only someone the gate lets open the dossier may report (else `NotFound`, the
    denial audited); the sections exist, and the field, when given, is `section.field` of one
    of them (its section is added when missing); what the paper says is required; texts are
    stored NFC and encrypted. The report and its audit event are written together.
    """
    # The gate first, outside the write transaction, so that a denial stays audited.
    dossier_open_write(acting_user, personal_id, Purpose.DISCREPANCY_REPORT)
    wanted = sections if isinstance(sections, list | tuple) else []
    chosen: list[str] = []
    for key in (str(s).strip() for s in wanted):
        if key not in BY_KEY:
            raise _fail("unknown_section", f"Không có mục «{key}».", "sections")
        if key not in chosen:
            chosen.append(key)
    field = _text(field)
    if field:
        if field not in all_field_ids():
            raise _fail("unknown_field", f"Không có trường «{field}» trong hồ sơ.", "field")
        section = field.split(".", 1)[0]
        if section not in chosen:
            chosen.append(section)
    if not chosen:
        raise _fail("sections_required", "Cần chọn ít nhất một mục bị sai lệch.", "sections")
    paper_says, evidence = _text(paper_says), _text(evidence)
    if not paper_says:
        raise _fail("paper_says_required", "Cần ghi nội dung theo hồ sơ giấy.", "paper_says")
    for name, value in (("paper_says", paper_says), ("evidence", evidence)):
        if len(value) > TEXT_MAX:
            raise _fail("too_long", f"Nội dung dài quá {TEXT_MAX} ký tự.", name)
    with transaction.atomic():
        # Serialize with approvals of the same dossier (they lock the same row).
        person_locked(personal_id)
        discrepancy = Discrepancy.objects.create(
            personal_id=personal_id,
            sections=chosen,
            field=field,
            paper_says=paper_says,
            evidence=evidence,
            reported_by=acting_user,
            reported_at=timezone.now(),
        )
        recorder.record(
            user=acting_user,
            action=AUDIT_ACTION,
            outcome=AuditOutcome.OK,
            personal_id=personal_id,
            sections=chosen,
            purpose=Purpose.DISCREPANCY_REPORT,
            detail={"discrepancy": discrepancy.pk, "field": field},
        )
    return discrepancy


# --- Verifying ----------------------------------------------------------------------------------


def _open_obligation(discrepancy: Discrepancy, person: Person | None, on: date) -> Obligation:
    """Open the 5-working-day duty to enter the verified correction."""
    return obligation_open(
        kind=ObligationKind.FIX_DISCREPANCY,
        personal_id=discrepancy.personal_id,
        start_date=on,
        source=f"discrepancy:{discrepancy.pk}",
        unit=person.current_unit if person is not None else None,
        officer=None,
        acting_user=discrepancy.verified_by,
    )


def discrepancy_resolve(
    *, acting_user: User, discrepancy_id: int, note: str, today: date | None = None
) -> Discrepancy:
    """Verify a discrepancy with the records manager's signature; lifts the freeze.

    Invariants: only a records manager who may open the dossier and whose duty covers the
    person (`policies.dossier_write`: `NotFound` alike for a missing discrepancy and one on a
    dossier the caller may not open, the denial audited), and not the reporter; an open
    discrepancy only (decided once, under `select_for_update`); a note saying what was
    found is required; the signature is made with the manager's own key and checked against
    the trusted roots before anything is stored; the obligation to enter the correction within
    5 working days starts on the verification date. All in one transaction, audited.
    """
    today = today or local_today()
    note = _text(note)
    found = Discrepancy.objects.filter(pk=discrepancy_id).values_list("personal_id", flat=True)
    personal_id = found.first()
    if personal_id is None:
        raise NotFound()  # the gate's own answer: missing and hidden alike
    refusal = _fail(
        "not_records_manager", "Chỉ cán bộ quản lý hồ sơ phụ trách mới xác minh sai lệch."
    )
    # The gate first, outside the write transaction, so that a denial stays audited.
    dossier_write(
        acting_user,
        personal_id,
        Purpose.DISCREPANCY_RESOLVE,
        {Role.RECORDS_MANAGER},
        refusal=refusal,
    )
    with transaction.atomic():
        discrepancy = (
            Discrepancy.objects.select_for_update()
            .select_related("reported_by")
            .filter(pk=discrepancy_id)
            .first()
        )
        if discrepancy is None:
            raise NotFound("Không có cảnh báo sai lệch này.")
        if discrepancy.status != DiscrepancyStatus.OPEN:
            raise _fail("already_resolved", "Cảnh báo sai lệch này đã được xác minh.")
        pid = discrepancy.personal_id
        if not duty_covers(acting_user, {Role.RECORDS_MANAGER}, unit_path(pid, None)):
            raise _fail(
                "not_records_manager", "Chỉ cán bộ quản lý hồ sơ phụ trách mới xác minh sai lệch."
            )
        if discrepancy.reported_by_id == acting_user.pk:
            raise _fail(
                "self_verification", "Người báo sai lệch không được tự xác minh sai lệch đó."
            )
        if not note:
            raise _fail("note_required", "Cần ghi kết quả xác minh.", "note")
        if len(note) > TEXT_MAX:
            raise _fail("too_long", f"Nội dung dài quá {TEXT_MAX} ký tự.", "note")
        key = signing_key_for(acting_user)
        discrepancy.status = DiscrepancyStatus.RESOLVED
        discrepancy.verified_by = acting_user
        discrepancy.verified_at = timezone.now()
        discrepancy.verified_on = today
        discrepancy.verification_note = note
        payload = verification_payload(discrepancy)
        signature, _ = sign_checked(payload, key, acting_user.get_username())
        discrepancy.signature_cms = signature.der
        discrepancy.signer_certificate = certificate_pem(key.certificate)
        discrepancy.signed_payload_sha256 = hashlib.sha256(canonical(payload)).hexdigest()
        discrepancy.signed_at = signature.signing_time
        discrepancy.save()
        obligation = _open_obligation(discrepancy, person_by_id(pid), today)
        recorder.record(
            user=acting_user,
            action=AUDIT_ACTION,
            outcome=AuditOutcome.OK,
            personal_id=pid,
            sections=list(discrepancy.sections),
            purpose=Purpose.DISCREPANCY_RESOLVE,
            detail={
                "discrepancy": discrepancy.pk,
                "certificate_serial": signature.certificate_serial,
                "sha256": discrepancy.signed_payload_sha256,
                "obligation": obligation.pk,
            },
        )
    return discrepancy
