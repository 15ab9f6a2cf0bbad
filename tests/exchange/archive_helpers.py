"""A dossier worth archiving, made through the real paths: an approved (signed) change set, a
component stored encrypted with a real PDF/A copy, and a PAdES-signed résumé."""

from __future__ import annotations

import html
import io
from datetime import date
from typing import Any

from django.utils import timezone
from tests.documents.scans import FONT, typeset_pdf

NEW_TRAINING = {
    "kind": "fostering",
    "institution": "Học viện Hành chính Quốc gia",
    "field_of_study": "Quản lý nhà nước",
    "from_date": "2024-03-01",
    "to_date": "2024-05-30",
    "mode": "short_course",
    "diploma": "Chứng chỉ",
}
DIPLOMA_LINES = ["BẰNG CỬ NHÂN", "Học viện Tài chính", "Cấp cho: Nguyễn Văn An", "Ngày 30/06/2007"]


def pdfa(lines: list[str]) -> bytes:
    """A one-page PDF/A-2b (WeasyPrint), as the preservation copy of a scan."""
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page = (
        "<html><head><meta charset='utf-8'><title>Bản lưu trữ</title><style>@page { size: A4 }"
        f" body {{ font-family: {FONT} }}</style></head><body>{body}</body></html>"
    )
    return HTML(string=page).write_pdf(pdf_variant="pdf/a-2b")


def approve_a_change(personas: dict[str, Any], person: Any) -> None:
    from hoso.changes.services.changesets import changeset_approve, changeset_propose

    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "add", "section": "training", "row": NEW_TRAINING}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 2),
        source_note="Bản sao chứng chỉ trong hồ sơ giấy",
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)


def add_component(person: Any, user: Any, *, position: int = 1) -> Any:
    from hoso.documents.models import (
        Component,
        ComponentStatus,
        PreservationEvent,
        PreservationEventType,
        PreservationOutcome,
    )
    from hoso.documents.storage import storage

    original = typeset_pdf(DIPLOMA_LINES)
    copy = pdfa(DIPLOMA_LINES)
    stored = storage().put([original])
    kept = storage().put([copy])
    component = Component.objects.create(
        personal_id=person.personal_id,
        kind="diploma",
        title="Bằng cử nhân Tài chính",
        section="training",
        position=position,
        sensitivity="personal",
        status=ComponentStatus.READY,
        original_name="bang-cu-nhan.pdf",
        media_type="application/pdf",
        original_key=stored.key,
        original_sha256=stored.sha256,
        original_size=stored.size,
        pdfa_key=kept.key,
        pdfa_sha256=kept.sha256,
        pdfa_size=kept.size,
        pages=1,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    # What the upload pipeline records (it is another module's; the rows are what matter here).
    for event_type, agent, detail in (
        (PreservationEventType.INGESTION, user.get_username(), "Tiếp nhận bản quét."),
        (PreservationEventType.MESSAGE_DIGEST, "hoso 0.1.0", f"SHA-256 {stored.sha256}"),
        (PreservationEventType.NORMALIZATION, "ocrmypdf 17.0", "PDF/A-2b có lớp chữ."),
    ):
        PreservationEvent.objects.create(
            personal_id=person.personal_id,
            component=component,
            event_type=event_type,
            outcome=PreservationOutcome.SUCCESS,
            detail=detail,
            agent=agent,
            at=timezone.now(),
        )
    return component


def signed_resume(person: Any, user: Any) -> Any:
    """A SignedResume: through `resume_issue` when that service exists, else a PAdES
    signature made here with pyHanko and the user's own key."""
    try:
        from hoso.documents.services.resume import resume_issue
    except ImportError:
        return _signed_resume_directly(person, user)
    return resume_issue(acting_user=user, personal_id=person.personal_id)


def pades_sign(pdf: bytes, user: Any) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from hoso.changes.signatures import signing_key_for

    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)),
        signers.PdfSignatureMetadata(
            field_name="ChuKy", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
        ),
        signer=signing_key_for(user).cms_signer(),
        output=out,
    )
    return out.getvalue()


def _signed_resume_directly(person: Any, user: Any) -> Any:
    from hoso.changes.selectors.versions import current_version_number
    from hoso.changes.signatures import signing_key_for
    from hoso.documents.models import SignedResume
    from hoso.documents.storage import storage
    from hoso.signing.cms import serial_hex

    signed = pades_sign(typeset_pdf(["SƠ YẾU LÝ LỊCH", person.full_name]), user)
    stored = storage().put([signed])
    return SignedResume.objects.create(
        personal_id=person.personal_id,
        version_number=current_version_number(person.personal_id),
        signer=user,
        signer_username=user.get_username(),
        certificate_serial=serial_hex(signing_key_for(user).certificate),
        signed_at=timezone.now(),
        key=stored.key,
        sha256=stored.sha256,
        size=stored.size,
    )


def archivable_person(personas: dict[str, Any], make_dossier: Any, **kwargs: Any) -> Any:
    """A person with versions 1 and 2 (2 approved and signed), a component and a résumé."""
    person = make_dossier(**kwargs)
    approve_a_change(personas, person)
    add_component(person, personas["nhaplieu"])
    signed_resume(person, personas["quanly"])
    return person
