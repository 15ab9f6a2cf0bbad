"""/api/v1 dossier components: a person's scans, uploading one, its processing status and
searching the text read off them (thin: parse, call `documents.services.components` /
`selectors.components`, render).

Everything goes through the access gate: listing is a dossier read (audited), one component
is shown only to a reader who may see all of it (the same 404 for missing and hidden), and
search covers only the people and components the reader may see. Uploading needs a clerk's
or records manager's duty over the person. The file itself (a stamped copy) is served
elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from hoso.access import policies
from hoso.api.params import FormId, FormPosition, ObjectId, responses
from hoso.catalog.selectors import name_of
from hoso.documents.models import Component
from hoso.documents.selectors import components as selectors
from hoso.documents.services import components as services
from hoso.people.sections import BY_KEY

router = Router(tags=["Thành phần hồ sơ (bản quét)"])


class ComponentOut(Schema):
    id: int
    personal_id: str
    kind: str
    kind_name: str
    title: str
    section: str
    section_title: str
    section_row_id: int | None
    changeset_id: int | None
    position: int
    sensitivity: str
    status: str
    status_label: str
    status_note: str
    progress: int
    original_name: str
    media_type: str
    original_size: int
    original_sha256: str
    pdfa_size: int | None
    pdfa_sha256: str
    pages: int | None
    uploaded_by: str
    uploaded_at: datetime


class PreservationEventOut(Schema):
    event_type: str
    event_label: str
    outcome: str
    detail: str
    agent: str
    at: datetime


class ComponentDetailOut(ComponentOut):
    ocr_text: str | None
    events: list[PreservationEventOut]


class ComponentForm(Schema):
    # A form cannot tell an empty field from a missing one: the kind is at least one character.
    kind: str = Field(min_length=1)
    title: str = ""
    section: str = ""
    section_row_id: FormId = None
    changeset_id: FormId = None
    position: FormPosition = None
    sensitivity: str = ""


class SearchHitOut(Schema):
    component: ComponentOut
    personal_id: str
    full_name: str | None


class ComponentSearchOut(Schema):
    count: int
    results: list[SearchHitOut]


def _component(c: Component) -> dict[str, Any]:
    section = BY_KEY.get(c.section)
    return {
        "id": c.pk,
        "personal_id": c.personal_id,
        "kind": c.kind,
        "kind_name": name_of("component_kind", c.kind),
        "title": c.title,
        "section": c.section,
        "section_title": section.title if section else "",
        "section_row_id": c.section_row_id,
        "changeset_id": c.changeset_id,
        "position": c.position,
        "sensitivity": c.sensitivity,
        "status": c.status,
        "status_label": c.get_status_display(),
        "status_note": c.status_note,
        "progress": c.progress,
        "original_name": c.original_name,
        "media_type": c.media_type,
        "original_size": c.original_size,
        "original_sha256": c.original_sha256,
        "pdfa_size": c.pdfa_size,
        "pdfa_sha256": c.pdfa_sha256,
        "pages": c.pages,
        "uploaded_by": c.uploaded_by.get_username(),
        "uploaded_at": c.uploaded_at,
    }


@router.get(
    "/people/{personal_id}/components",
    response=responses({200: list[ComponentOut]}, 404),
    summary="Các thành phần hồ sơ (bản quét) của một người, theo thứ tự hồ sơ giấy",
)
def component_list(request: HttpRequest, personal_id: str) -> list[dict[str, Any]]:
    components = selectors.components_for(request.user, personal_id)
    return [_component(c) for c in components]


@router.post(
    "/people/{personal_id}/components",
    response=responses({201: ComponentOut}, 400, 403, 404),
    summary="Tải lên bản quét (PDF, JPEG, PNG, TIFF) làm thành phần hồ sơ",
)
def component_upload(
    request: HttpRequest,
    personal_id: str,
    form: Form[ComponentForm],
    file: File[UploadedFile],
) -> Status:
    component = services.component_add(
        acting_user=request.user,
        personal_id=personal_id,
        filename=file.name or "",
        content=file,
        **form.dict(),
    )
    component.refresh_from_db()  # processing may already have run (immediate tasks)
    return Status(201, _component(component))


@router.get(
    "/components/search",
    response=responses({200: ComponentSearchOut}),
    summary="Tìm trong chữ nhận dạng được (OCR) của các bản quét được phép xem",
)
def component_search(request: HttpRequest, q: str = "") -> dict[str, Any]:
    hits = selectors.component_search(request.user, q)
    gate = policies.gate_for(request.user)
    results = []
    for component, person in hits:
        access = gate.access(person)
        visible = access is not None and access.can_see("identity.full_name")
        results.append(
            {
                "component": _component(component),
                "personal_id": person.personal_id,
                "full_name": person.full_name if visible else None,
            }
        )
    return {"count": len(results), "results": results}


@router.get(
    "/components/{component_id}",
    response=responses({200: ComponentDetailOut}, 404),
    summary="Một thành phần hồ sơ: trạng thái xử lý, tiến độ, siêu dữ liệu bảo quản",
)
def component_detail(request: HttpRequest, component_id: ObjectId) -> dict[str, Any]:
    component = selectors.component_for(request.user, component_id)
    return {
        **_component(component),
        # Visible only because the whole document is (`can_see_document`).
        "ocr_text": component.ocr_text or None,
        "events": [
            {
                "event_type": e.event_type,
                "event_label": e.get_event_type_display(),
                "outcome": e.outcome,
                "detail": e.detail,
                "agent": e.agent,
                "at": e.at,
            }
            for e in component.events.order_by("at", "id")
        ],
    }
