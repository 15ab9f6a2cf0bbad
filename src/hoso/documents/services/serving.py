"""Handing out copies (R-PROHIBITED): through the gate, stamped, recorded, audited.

Nothing stored leaves the node as it is: a component's copy is its PDF/A (or, before that
exists, its original converted to PDF) stamped on every page; the résumé is the signed PDF
sealed with the stamp (`stamping`). Each copy gets a fresh export id and is recorded as a
`ServedCopy` with its SHA-256, so a leaked file leads back to its viewer (`selectors.trace`).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.access import policies, recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.core.context import current
from hoso.core.dates import vn
from hoso.core.errors import NotFound
from hoso.documents import stamping
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import (
    Component,
    ComponentStatus,
    PreservationEventType,
    ServedCopy,
    SignedResume,
)
from hoso.documents.resume_pdf import RESUME_SENSITIVITY
from hoso.documents.selectors.resume import resume_for, version_in_force
from hoso.documents.services.preservation import preservation_event_add
from hoso.documents.storage import read_bytes

PDF = "application/pdf"


@dataclass(frozen=True)
class ServedFile:
    content: bytes
    filename: str
    media_type: str
    export_id: str
    sha256: str


def _deny(user: User, personal_id: str, purpose: str, detail: dict[str, Any]) -> NotFound:
    """Audit a refused copy (committed even though the caller then raises) and return the
    same `NotFound` as for a missing one."""
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.DOCUMENT_SERVE,
            outcome=AuditOutcome.DENY,
            personal_id=personal_id,
            purpose=purpose,
            detail=detail,
        )
    return NotFound()


def _as_pdf(component: Component) -> bytes:
    """The bytes a component's copy is made from: its PDF/A, else its original as PDF."""
    if component.status == ComponentStatus.READY and component.pdfa_key:
        return read_bytes(component.pdfa_key)
    original = read_bytes(component.original_key)
    if component.media_type == PDF:
        return original
    if component.media_type.startswith("image/"):
        return _image_pdf(original)
    raise DocumentRefused(
        "copy_unavailable",
        f"Chưa tạo được bản sao PDF của tài liệu «{component.title}» (định dạng "
        f"{component.media_type}).",
        status=409,
    )


def _image_pdf(image: bytes) -> bytes:
    # Image libraries load only when a scan without its PDF/A copy is served.
    import img2pdf
    from PIL import Image

    try:
        return img2pdf.convert(image)
    except Exception:  # noqa: BLE001 - img2pdf refuses alpha channels and some modes
        with Image.open(io.BytesIO(image)) as opened:
            frames = []
            for index in range(getattr(opened, "n_frames", 1)):
                opened.seek(index)
                frames.append(opened.convert("RGB"))
        out = io.BytesIO()
        frames[0].save(out, "PDF", save_all=True, append_images=frames[1:], resolution=200)
        return out.getvalue()


def _pick_resume(
    access: policies.DossierAccess, resume_as_of: date | None, resume_id: int | None
) -> SignedResume:
    personal_id = access.person.personal_id
    if resume_id is not None:
        found = SignedResume.objects.filter(pk=resume_id, personal_id=personal_id).first()
        if found is None:
            raise NotFound()
        return found
    version = version_in_force(access.person, resume_as_of)
    number = version.number if version is not None else 0
    found = resume_for(personal_id, number)
    if found is None:
        when = f", tính đến ngày {vn(resume_as_of)}" if resume_as_of else ""
        raise DocumentRefused(
            "resume_not_signed",
            f"Sơ yếu lý lịch của phiên bản hồ sơ {number}{when} chưa được ký số. Cán bộ quản "
            "lý hồ sơ phụ trách cần ký số sơ yếu lý lịch trước khi cấp bản sao.",
            status=409,
        )
    return found


def copy_serve(
    *,
    user: User,
    personal_id: str,
    component_id: int | None = None,
    resume_as_of: date | None = None,
    resume_id: int | None = None,
    purpose: Purpose = Purpose.VIEW,
) -> ServedFile:
    """A stamped copy of one component (`component_id`) or of the signed résumé (otherwise:
    the one with `resume_id`, or the latest signed for the dossier version in force at
    `resume_as_of`, now when None).

    Invariants:
    - the dossier gate decides first (`dossier_access`, audited); then the document's own
      rule: a component needs every field of its section up to its class, the résumé the whole
      dossier up to "sensitive" (`can_see_document`). Missing and forbidden are the same
      `NotFound`, and a refusal is audited (DOCUMENT_SERVE, deny);
    - no stored byte leaves unstamped: every copy carries the visible mark and the export id
      in its metadata; a signed résumé keeps its signature valid (sealed, not rewritten);
    - a résumé not yet signed for that version is refused (`resume_not_signed`, 409);
    - each copy is recorded (`ServedCopy` with its SHA-256, the viewer, the client address), a
      PREMIS dissemination event, and an audit event DOCUMENT_SERVE with the hash and export
      id, all in one transaction.
    """
    access = policies.dossier_access(user, personal_id, purpose=purpose)
    component: Component | None = None
    resume: SignedResume | None = None
    if component_id is not None:
        component = Component.objects.filter(pk=component_id, personal_id=personal_id).first()
        if component is None or not access.can_see_document(
            component.sensitivity, component.section
        ):
            raise _deny(user, personal_id, purpose, {"component": component_id})
        content = _as_pdf(component)
    else:
        if not access.can_see_document(RESUME_SENSITIVITY):
            raise _deny(user, personal_id, purpose, {"resume": resume_id or "latest"})
        resume = _pick_resume(access, resume_as_of, resume_id)
        if not access.can_see_document(resume.sensitivity):
            raise _deny(user, personal_id, purpose, {"resume": resume.pk})
        content = read_bytes(resume.key)
    now = timezone.now()
    export_id = _fresh_export_id()
    mark = stamping.Mark(
        viewer=getattr(user, "full_name", "") or user.get_username(),
        username=user.get_username(),
        at=now,
        export_id=export_id,
    )
    stamped = stamping.stamp(content, mark)
    digest = hashlib.sha256(stamped).hexdigest()
    if component is not None:
        filename = f"{personal_id}-thanh-phan-{component.pk}-{export_id}.pdf"
    else:
        assert resume is not None
        filename = f"{personal_id}-so-yeu-ly-lich-v{resume.version_number}-{export_id}.pdf"
    _record(user, personal_id, purpose, component, resume, export_id, digest, len(stamped), now)
    return ServedFile(stamped, filename, PDF, export_id, digest)


def _fresh_export_id() -> str:
    while True:
        candidate = stamping.export_id_new()
        if not ServedCopy.objects.filter(export_id=candidate).exists():
            return candidate


@transaction.atomic
def _record(
    user: User,
    personal_id: str,
    purpose: str,
    component: Component | None,
    resume: SignedResume | None,
    export_id: str,
    digest: str,
    size: int,
    now: datetime,
) -> ServedCopy:
    username = user.get_username()
    served = ServedCopy.objects.create(
        export_id=export_id,
        user=user,
        username=username,
        personal_id=personal_id,
        component=component,
        resume=resume,
        purpose=purpose[:40],
        sha256=digest,
        size=size,
        client_address=current().client_address or "",
        served_at=now,
    )
    preservation_event_add(
        personal_id=personal_id,
        component=component,
        resume=resume,
        event_type=PreservationEventType.DISSEMINATION,
        detail=f"stamped copy {export_id} for {username}; SHA-256 {digest}",
        agent=username,
        at=now,
    )
    recorder.record(
        user=user,
        action=AuditAction.DOCUMENT_SERVE,
        outcome=AuditOutcome.ALLOW,
        personal_id=personal_id,
        purpose=purpose,
        detail={
            "export_id": export_id,
            "sha256": digest,
            "size": size,
            "component": component.pk if component else None,
            "resume": resume.pk if resume else None,
            "version": resume.version_number if resume else None,
        },
    )
    return served
