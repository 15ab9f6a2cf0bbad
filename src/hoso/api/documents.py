"""/api/v1 résumé and document copies (thin: parse, call `documents.services.serving` /
`services.resume`).

- `GET /people/{personal_id}/resume.pdf?as_of=YYYY-MM-DD`: the signed résumé of the dossier
  version in force that day (now without `as_of`), sealed with the viewer's stamp; 404 alike
  for missing and forbidden; 409 `resume_not_signed` when no records manager signed it yet.
- `POST /people/{personal_id}/resume?as_of=YYYY-MM-DD`: render and sign it (a records manager
  whose duty covers the person).
- `GET /components/{id}/copy.pdf`: a stamped copy of one dossier component.
Every copy is stamped, recorded and audited by the service; the response carries its export
id in `X-Export-Id`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from hoso.api.params import ObjectId, OptDateText, responses
from hoso.audit.purposes import Purpose
from hoso.core.errors import Problem, ValidationFailed
from hoso.documents.resume_pdf import as_of_check
from hoso.documents.selectors.components import component_for
from hoso.documents.services import serving
from hoso.documents.services.resume import resume_issue

router = Router(tags=["Tài liệu, sơ yếu lý lịch"])


class SignedResumeOut(Schema):
    id: int
    personal_id: str
    version_number: int
    as_of: date | None
    signer: str
    certificate_serial: str
    signed_at: datetime
    sha256: str
    size: int
    reused: bool = Field(
        description="true: đã có bản ký số còn hợp lệ của phiên bản hồ sơ này, không ký lại (200)"
    )


def _as_of(text: str | None) -> date | None:
    """Absent: the version in force now. Present, it must be a date (an empty `as_of=` too,
    as the schema says: a client that meant a day and sent none is told so)."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        said = f"Ngày «{text[:20]}» không đúng dạng YYYY-MM-DD." if text else "Thiếu ngày."
        raise ValidationFailed(
            [Problem("bad_as_of", said, "as_of")],
            "Tham số ngày không hợp lệ.",
        )
    as_of_check(day)
    return day


def _pdf(served: serving.ServedFile) -> HttpResponse:
    response = HttpResponse(served.content, content_type=served.media_type)
    response["Content-Disposition"] = f'attachment; filename="{served.filename}"'
    response["X-Export-Id"] = served.export_id
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/people/{personal_id}/resume.pdf",
    response=responses({200: None}, 404, 409, 503),
    summary="Bản sao có đóng dấu của sơ yếu lý lịch đã ký số",
)
def resume_copy(request: HttpRequest, personal_id: str, as_of: OptDateText = None) -> HttpResponse:
    day = _as_of(as_of)
    served = serving.copy_serve(
        user=request.auth, personal_id=personal_id, resume_as_of=day, purpose=Purpose.RESUME_COPY
    )
    return _pdf(served)


@router.post(
    "/people/{personal_id}/resume",
    response=responses({200: SignedResumeOut, 201: SignedResumeOut}, 403, 404, 409, 503),
    summary="Tạo và ký số sơ yếu lý lịch (cán bộ quản lý hồ sơ)",
)
def resume_sign(request: HttpRequest, personal_id: str, as_of: OptDateText = None):
    day = _as_of(as_of)
    signed = resume_issue(acting_user=request.auth, personal_id=personal_id, as_of=day)
    return Status(
        200 if signed.reused else 201,
        {
            "id": signed.pk,
            "personal_id": signed.personal_id,
            "version_number": signed.version_number,
            "as_of": signed.as_of,
            "signer": signed.signer_username,
            "certificate_serial": signed.certificate_serial,
            "signed_at": signed.signed_at,
            "sha256": signed.sha256,
            "size": signed.size,
            "reused": signed.reused,
        },
    )


@router.get(
    "/components/{component_id}/copy.pdf",
    response=responses({200: None}, 404, 409, 503),
    summary="Bản sao có đóng dấu của một thành phần hồ sơ",
)
def component_copy(request: HttpRequest, component_id: ObjectId) -> HttpResponse:
    # The same lookup as the page's: missing and hidden alike 404, a hidden scan's refusal
    # audited by the selector.
    component = component_for(request.auth, component_id, purpose=Purpose.COMPONENT_COPY)
    served = serving.copy_serve(
        user=request.auth,
        personal_id=component.personal_id,
        component_id=component.pk,
        purpose=Purpose.COMPONENT_COPY,
    )
    return _pdf(served)
