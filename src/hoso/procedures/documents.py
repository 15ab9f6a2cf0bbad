"""The documents a procedure step requires (R-ONLINE-100): `services.document_attach` judges
the actor's PDF like every upload (`documents.intake`), PAdES-signs it here with the actor's
own certificate and stores it encrypted; `services.step_act` refuses to approve the step until
each document the catalog names for it is there (`step_documents`), and its CMS signature
covers their SHA-256."""

from __future__ import annotations

import io
from typing import Any

from hoso.access.models import User
from hoso.catalog.selectors import name_of
from hoso.changes.signatures import signing_key_for
from hoso.core.errors import DomainError, Problem, ValidationFailed
from hoso.documents.resume_pdf import signatures_check
from hoso.procedures.definitions import StepDef
from hoso.procedures.models import Procedure, ProcedureDocument

CATALOG = "procedure_document"
SIGNATURE_FIELD = "KySoBuocQuyTrinh"


def document_name(code: str) -> str:
    return name_of(CATALOG, code) or code


def _refuse(code: str, message: str, status: int = 400) -> DomainError:
    return DomainError(code=code, message=message, status=status)


def pades_sign(pdf: bytes, user: User, reason: str) -> bytes:
    """Sign `pdf` (PAdES baseline B, an approval signature added incrementally) with the key
    of `user`; refused when the result would not verify against the node's trusted roots."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=getattr(user, "full_name", "") or user.get_username(),
    )
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        signers.sign_pdf(writer, meta, signer=signing_key_for(user).cms_signer(), output=out)
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko's many parse errors: one refusal
        raise _refuse(
            "procedure_document_unsignable",
            "Không ký số được tệp PDF này (tệp hỏng hoặc có cấu trúc không chuẩn); chưa lưu gì.",
        ) from exc
    signed = out.getvalue()
    checks = signatures_check(signed)
    if not checks or not checks[-1].valid:
        raise _refuse(
            "procedure_document_signature_invalid",
            f"Chữ ký số của «{user.get_username()}» trên tài liệu không kiểm tra được là hợp lệ "
            "(chứng thư số hết hạn hoặc không do tổ chức chứng thực được tin cậy cấp); "
            "chưa lưu gì.",
        )
    return signed


def step_documents(
    procedure: Procedure, step: StepDef, user: User, given: Any
) -> dict[str, dict[str, Any]]:
    """The documents `given` ({code: document id}) for approving `step`, each one `user`
    signed for this step of this procedure, described for the step's signed record; a
    Vietnamese refusal naming each one missing."""
    given = given if isinstance(given, dict) else {}
    found: dict[str, dict[str, Any]] = {}
    problems = []
    for code in step.documents:
        ident = given.get(code)
        document = (
            ProcedureDocument.objects.filter(
                pk=ident, procedure=procedure, step_code=step.code, code=code, signed_by=user
            ).first()
            if isinstance(ident, int) and not isinstance(ident, bool)
            else None
        )
        if document is None:
            problems.append(
                Problem(
                    "procedure_document_missing",
                    f"Thiếu tài liệu «{document_name(code)}» (PDF): tải lên trước khi hoàn "
                    "thành bước.",
                    f"document_{code}",
                )
            )
            continue
        found[code] = {
            "id": document.pk,
            "filename": document.filename,
            "sha256": document.sha256,
            "certificate_serial": document.certificate_serial,
        }
    if problems:
        raise ValidationFailed(problems, "Bước chưa hoàn thành; chưa ghi gì.")
    return found
