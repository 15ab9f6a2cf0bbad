"""Issuing the signed résumé (Mẫu 2C-BNV/2008): render, certify with the records manager's
key (PAdES), check, store with its PREMIS event and audit event (R-DIGITIZE, R-CORRECT)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.access import policies, recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes.signatures import signing_key_for
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import PreservationEventType, SignedResume
from hoso.documents.resume_pdf import (
    ResumeSource,
    as_of_check,
    pades_certify,
    resume_render,
    resume_sensitivity,
    signatures_check,
)
from hoso.documents.selectors.resume import may_issue, resume_source, version_in_force
from hoso.documents.services.preservation import preservation_event_add
from hoso.documents.storage import read_bytes, storage
from hoso.signing.cms import serial_hex


def resume_issue(*, acting_user: User, personal_id: str, as_of: date | None = None) -> SignedResume:
    """Render the résumé of the dossier as of `as_of` (now when None), sign it, store it.

    Invariants:
    - the signer passes the access gate for the dossier (audited; `NotFound` otherwise) and
      is a records manager whose duty covers the person's unit (`not_records_manager`);
    - `as_of` is not in the future, and the dossier existed then (`as_of_future`,
      `no_version_as_of`);
    - the signature is made with the signer's own key (`signing_key_for`) and checked against
      the node's trusted roots before anything is stored: a signature that would not verify
      is refused (`resume_signature_invalid`), nothing written;
    - the stored bytes are the signed PDF as signed; a `SignedResume`, a PREMIS "digital
      signature generation" event and an audit event RESUME_SIGN are written together, in one
      transaction. The gate's own audit event and a refusal's are written before it, so a
      refusal undoes nothing that must be kept;
    - a résumé already signed for the same dossier version and day whose stored bytes still
      match their SHA-256 and whose signature still verifies is returned as it is: nothing is
      rendered or signed again (WeasyPrint takes 0.5–1 s a résumé, bench/README.md), and the
      audit event RESUME_SIGN says it was reused (`reused`, the résumé's id).
    """
    as_of_check(as_of)
    access = policies.dossier_open_write(acting_user, personal_id, Purpose.RESUME_SIGN)
    person = access.person
    if not may_issue(acting_user, person):
        refusal = DocumentRefused(
            "not_records_manager",
            "Chỉ cán bộ quản lý hồ sơ được giao phụ trách hồ sơ này mới ký số sơ yếu lý lịch.",
            status=403,
        )
        with transaction.atomic():
            recorder.record(
                user=acting_user,
                action=AuditAction.RESUME_SIGN,
                outcome=AuditOutcome.DENY,
                personal_id=personal_id,
                purpose=Purpose.RESUME_SIGN,
                detail={"code": refusal.code},
            )
        raise refusal
    reused = _still_valid(personal_id, _version_number(person, as_of), as_of)
    if reused is not None:
        return _resume_reused(acting_user, reused)
    source = resume_source(person, as_of, acting_user=acting_user)
    key = signing_key_for(acting_user)  # before rendering: no key, nothing done
    username = acting_user.get_username()
    signer_name = getattr(acting_user, "full_name", "") or username
    signed = pades_certify(resume_render(source), key, signer_name=signer_name)
    checks = signatures_check(signed)
    if not checks or not all(c.valid for c in checks):
        raise DocumentRefused(
            "resume_signature_invalid",
            f"Chữ ký số của «{username}» trên sơ yếu lý lịch không kiểm tra được là hợp lệ "
            "(chứng thư số hết hạn hoặc không do tổ chức chứng thực được tin cậy cấp); "
            "chưa lưu gì.",
        )
    return _resume_store(acting_user, source, signed, key)


def _version_number(person: Any, as_of: date | None) -> int:
    version = version_in_force(person, as_of)
    return version.number if version is not None else 0


def _still_valid(personal_id: str, version_number: int, as_of: date | None) -> SignedResume | None:
    """The latest résumé signed for this version and day, if its bytes are intact and its
    signatures all verify today (a revoked or expired certificate: sign again)."""
    found = (
        SignedResume.objects.filter(
            personal_id=personal_id, version_number=version_number, as_of=as_of
        )
        .order_by("-signed_at", "-id")
        .first()
    )
    if found is None:
        return None
    content = read_bytes(found.key)
    if hashlib.sha256(content).hexdigest() != found.sha256:
        return None
    checks = signatures_check(content)
    return found if checks and all(c.valid for c in checks) else None


@transaction.atomic
def _resume_reused(acting_user: User, resume: SignedResume) -> SignedResume:
    recorder.record(
        user=acting_user,
        action=AuditAction.RESUME_SIGN,
        outcome=AuditOutcome.OK,
        personal_id=resume.personal_id,
        purpose=Purpose.RESUME_SIGN,
        detail={
            "resume": resume.pk,
            "version": resume.version_number,
            "as_of": resume.as_of.isoformat() if resume.as_of else None,
            "sha256": resume.sha256,
            "certificate_serial": resume.certificate_serial,
            "reused": True,
        },
    )
    resume.reused = True
    return resume


@transaction.atomic
def _resume_store(acting_user: User, source: ResumeSource, signed: bytes, key: Any) -> SignedResume:
    personal_id, as_of = source.personal_id, source.as_of
    username = acting_user.get_username()
    stored = storage().put([signed])
    now = timezone.now()
    serial = serial_hex(key.certificate)
    resume = SignedResume.objects.create(
        personal_id=personal_id,
        version_number=source.version_number,
        as_of=as_of,
        signer=acting_user,
        signer_username=username,
        certificate_serial=serial,
        signed_at=now,
        key=stored.key,
        sha256=stored.sha256,
        size=stored.size,
        sensitivity=resume_sensitivity(source.data),
    )
    preservation_event_add(
        personal_id=personal_id,
        resume=resume,
        event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION,
        detail=(
            f"PAdES (certify, DocMDP P=2) on Mẫu 2C, dossier version {source.version_number}; "
            f"certificate serial {serial}; SHA-256 {stored.sha256}"
        ),
        agent=username,
        at=now,
    )
    recorder.record(
        user=acting_user,
        action=AuditAction.RESUME_SIGN,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        purpose=Purpose.RESUME_SIGN,
        detail={
            "resume": resume.pk,
            "version": source.version_number,
            "as_of": as_of.isoformat() if as_of else None,
            "sha256": stored.sha256,
            "certificate_serial": serial,
        },
    )
    return resume
