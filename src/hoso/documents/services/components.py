"""Adding and ordering dossier components (scans) (R-DIGITIZE, R-SECRET).

A component is added in two steps. `component_add` checks who adds what, judges the upload
(`intake`), keeps the original byte for byte (encrypted, `storage`) and records it with its
ingestion events and audit event; then, once that is committed, the task
`services.tasks.process_component` runs `services.processing.component_process`, which makes
the PDF/A-2b copy with its text layer and indexes the words read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import IO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import Role, Sensitivity, User
from hoso.access.policies import RANK, dossier_write, duty_covers
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import attrs_map, name_of
from hoso.changes.models import ChangeSet
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.documents import intake
from hoso.documents.errors import StorageError
from hoso.documents.models import (
    Component,
    ComponentStatus,
    PreservationEventType,
)
from hoso.documents.services import tasks
from hoso.documents.services.preservation import HOSO_AGENT, component_event_add
from hoso.documents.storage import Stored, chunks_of, storage
from hoso.people.models import Person
from hoso.people.sections import BY_KEY
from hoso.people.selectors import person_queryset

ADDING_ROLES = {Role.CLERK, Role.RECORDS_MANAGER}


def may_add(user: User, person: Person) -> bool:
    """A clerk or records manager whose duty's subtree holds the person's unit."""
    return duty_covers(user, ADDING_ROLES, person.current_unit.path)


def _fail(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


def _checked_target(
    *,
    person: Person,
    kind: str,
    section: str,
    section_row_id: int | None,
    changeset_id: int | None,
    position: int | None,
    sensitivity: str,
) -> tuple[str, str]:
    """The section and sensitivity a new component gets, or `ValidationFailed`."""
    kinds = attrs_map("component_kind")
    if kind not in kinds:
        raise _fail("unknown_kind", f"Loại thành phần «{kind}» không có trong danh mục.", "kind")
    attrs = kinds[kind]
    section = section or attrs.get("section") or ""
    if section and section not in BY_KEY:
        raise _fail("unknown_section", f"Mục hồ sơ «{section}» không có.", "section")
    if section_row_id is not None:
        spec = BY_KEY.get(section)
        if spec is None or not spec.many or not spec.related_name:
            raise _fail(
                "unknown_row",
                "Chỉ liên kết được với một dòng của mục hồ sơ có nhiều dòng.",
                "section_row_id",
            )
        if not getattr(person, spec.related_name).filter(pk=section_row_id).exists():
            raise _fail(
                "unknown_row",
                f"Mục «{spec.title}» của hồ sơ không có dòng số {section_row_id}.",
                "section_row_id",
            )
    if (
        changeset_id is not None
        and not ChangeSet.objects.filter(pk=changeset_id, personal_id=person.personal_id).exists()
    ):
        raise _fail(
            "unknown_changeset",
            f"Hồ sơ này không có đề xuất thay đổi số {changeset_id}.",
            "changeset_id",
        )
    if position is not None and position < 1:
        raise _fail("bad_position", "Thứ tự trong hồ sơ giấy phải từ 1 trở lên.", "position")
    default = attrs.get("default_sensitivity") or Sensitivity.SECRET_CANDIDATE
    chosen = sensitivity or default
    if chosen not in RANK:
        raise _fail("unknown_sensitivity", f"Mức phân loại «{chosen}» không có.", "sensitivity")
    if RANK[chosen] < RANK.get(default, 0):
        raise _fail(
            "sensitivity_lowered",
            f"Không được hạ mức phân loại dưới mức mặc định «{Sensitivity(default).label}» "
            "của loại tài liệu này.",
            "sensitivity",
        )
    return section, chosen


def component_add(
    *,
    acting_user: User,
    personal_id: str,
    kind: str,
    title: str,
    filename: str,
    content: IO[bytes] | Iterable[bytes],
    section: str = "",
    section_row_id: int | None = None,
    changeset_id: int | None = None,
    position: int | None = None,
    sensitivity: str = "",
) -> Component:
    """Add a scan to a person's dossier and queue its PDF/A + OCR processing.

    Invariants:
    - only a clerk or records manager who may open the dossier and whose duty covers the
      person's unit adds (`policies.dossier_write`); anyone else gets the same `NotFound` as
      for a person who does not exist, the denial audited;
    - `kind` is in catalog `component_kind`, which gives the default section and sensitivity;
      a sensitivity may be raised, never lowered; the section is a known section key and
      `section_row_id` one of the person's rows of it; a change set is the person's own;
    - the upload is judged whole (`intake`) before anything is stored; a refusal stores
      nothing (no row, no file);
    - the stored original is exactly the bytes received (SHA-256 and size recorded);
    - the row, its ingestion / digest / validation events and the DOCUMENT_ADD audit event
      are one transaction; processing is queued only once it is committed.
    The upload is spooled and stored outside the database transaction (a large file would
    otherwise hold SQLite's write lock); the rows are written in one atomic block after.
    """
    person = dossier_write(acting_user, personal_id, Purpose.COMPONENT_ADD, ADDING_ROLES).person
    section, chosen = _checked_target(
        person=person,
        kind=kind,
        section=section,
        section_row_id=section_row_id,
        changeset_id=changeset_id,
        position=position,
        sensitivity=sensitivity,
    )
    title = (title or "").strip() or name_of("component_kind", kind)
    if len(title) > 300:
        raise _fail("title_too_long", "Tên tài liệu dài quá 300 ký tự.", "title")
    with (
        intake.received(filename=filename, content=content) as upload,
        open(upload.path, "rb") as handle,
    ):
        stored = storage().put(chunks_of(handle))
    try:
        return _component_record(
            acting_user=acting_user,
            person=person,
            kind=kind,
            title=title,
            section=section,
            section_row_id=section_row_id,
            changeset_id=changeset_id,
            position=position,
            sensitivity=chosen,
            upload=upload,
            stored=stored,
        )
    except BaseException:
        # The row was not written: the object it would have named must not linger.
        path = storage().raw_path(stored.key)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


@transaction.atomic
def _component_record(
    *,
    acting_user: User,
    person: Person,
    kind: str,
    title: str,
    section: str,
    section_row_id: int | None,
    changeset_id: int | None,
    position: int | None,
    sensitivity: str,
    upload: intake.Upload,
    stored: Stored,
) -> Component:
    if stored.size != upload.size:
        raise StorageError("stored size differs from the upload")
    # Serialize additions to one dossier so positions do not collide.
    person_queryset().select_for_update(of=("self",)).filter(pk=person.pk).first()
    if position is None:
        last = Component.objects.filter(personal_id=person.personal_id).aggregate(
            n=Max("position")
        )["n"]
        position = (last or 0) + 1
    component = Component.objects.create(
        personal_id=person.personal_id,
        kind=kind,
        title=title,
        section=section,
        section_row_id=section_row_id,
        changeset_id=changeset_id,
        position=position,
        sensitivity=sensitivity,
        status=ComponentStatus.RECEIVED,
        original_name=upload.safe_name,
        media_type=upload.media_type,
        original_key=stored.key,
        original_sha256=stored.sha256,
        original_size=stored.size,
        pages=upload.pages,
        ocr_text="",
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    username = acting_user.get_username()
    component_event_add(
        component,
        PreservationEventType.INGESTION,
        detail=f"Tiếp nhận tệp «{upload.safe_name}» ({upload.media_type}, {upload.size} byte).",
        agent=username,
    )
    component_event_add(
        component,
        PreservationEventType.MESSAGE_DIGEST,
        detail=f"SHA-256 của bản gốc: {stored.sha256}",
        agent=HOSO_AGENT,
    )
    component_event_add(
        component,
        PreservationEventType.VALIDATION,
        detail=(
            f"Định dạng {intake.LABELS[upload.media_type]} hợp lệ, {upload.pages} trang "
            "(đúng phần mở rộng, không mã hóa, không vượt giới hạn kích thước)."
        ),
        agent=_validation_agent(),
    )
    recorder.record(
        user=acting_user,
        action=AuditAction.DOCUMENT_ADD,
        outcome=AuditOutcome.OK,
        personal_id=person.personal_id,
        sections=[section] if section else [],
        purpose=Purpose.ADD,
        detail={
            "component": component.pk,
            "kind": kind,
            "media_type": upload.media_type,
            "size": upload.size,
            "pages": upload.pages,
            "sha256": stored.sha256,
        },
    )
    component_id = component.pk
    transaction.on_commit(lambda: tasks.process_component.enqueue(component_id=component_id))
    return component


def _validation_agent() -> str:
    # Heavy libraries, loaded only once a file is kept (intake has loaded them by then).
    import pikepdf
    import PIL

    return f"{HOSO_AGENT} (Pillow {PIL.__version__}, pikepdf {pikepdf.__version__})"


def component_move(*, acting_user: User, component_id: int, position: int) -> Component:
    """Put a component at `position` in the paper-dossier order, renumbering the others.

    Invariants:
    - only a clerk or records manager who may open the dossier and see the scan, and whose
      duty covers the person (`policies.dossier_write`; `NotFound` otherwise, the same as for
      a missing component, the denial audited before the write's transaction);
    - `position` runs from 1 to the number of current (not superseded) components;
    - positions stay 1..n without gaps or repeats; additions to the same dossier wait (the
      person row is locked, as in `component_add`);
    - audited (DOSSIER_WRITE, with the old and new position).
    """
    component = Component.objects.filter(pk=component_id).first()
    if component is None:
        raise NotFound()
    access = dossier_write(
        acting_user, component.personal_id, Purpose.COMPONENT_REORDER, ADDING_ROLES
    )
    if not access.can_see_document(component.sensitivity, component.section):
        # A scan its mover may not see stays unnamed (its title is in the answer).
        with transaction.atomic():
            recorder.record(
                user=acting_user,
                action=AuditAction.DOSSIER_READ_DENIED,
                outcome=AuditOutcome.DENY,
                personal_id=component.personal_id,
                purpose=Purpose.COMPONENT_REORDER,
                detail={"component": component.pk, "reason": "document_class", "write": True},
            )
        raise NotFound()
    return _component_moved(acting_user, access.person, component, position)


@transaction.atomic
def _component_moved(
    acting_user: User, person: Person, component: Component, position: int
) -> Component:
    person_queryset().select_for_update(of=("self",)).filter(pk=person.pk).first()
    current = list(
        Component.objects.filter(personal_id=person.personal_id, superseded_by__isnull=True)
        .order_by("position", "id")
        .select_for_update()
    )
    if not 1 <= position <= len(current):
        raise _fail(
            "bad_position",
            f"Thứ tự phải từ 1 đến {len(current)} (số tài liệu hiện có của hồ sơ).",
            "position",
        )
    if component.superseded_by_id is not None:
        raise _fail("superseded", "Tài liệu này đã được thay bằng bản khác; không xếp lại.")
    ordered = [c for c in current if c.pk != component.pk]
    moved = next(c for c in current if c.pk == component.pk)
    before = moved.position
    ordered.insert(position - 1, moved)
    for number, item in enumerate(ordered, start=1):
        if item.position != number:
            item.position = number
            item.save(update_fields=["position"])
    recorder.record(
        user=acting_user,
        action=AuditAction.DOSSIER_WRITE,
        outcome=AuditOutcome.OK,
        personal_id=person.personal_id,
        sections=[moved.section] if moved.section else [],
        purpose=Purpose.COMPONENT_REORDER,
        detail={"component": moved.pk, "from": before, "to": position},
    )
    return moved
