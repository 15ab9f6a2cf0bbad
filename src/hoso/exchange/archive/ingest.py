"""Taking a verified bag through the one write path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from hoso.access import recorder
from hoso.access.models import User
from hoso.access.policies import dossier_write
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import codes
from hoso.changes.models import ChangeSet, ChangeStatus, SourceKind
from hoso.changes.services.changesets import WRITING_ROLES, changeset_propose
from hoso.core.errors import DomainError
from hoso.documents.models import Component
from hoso.documents.services.restore import component_restore, component_supersede
from hoso.documents.storage import chunks_of, storage
from hoso.exchange.archive.common import (
    PERSONAL_ID,
    ArchiveImport,
    ArchiveReport,
    refused,
)
from hoso.exchange.archive.verify import archive_verify
from hoso.people.selectors import person_queryset

# --- Import -----------------------------------------------------------------------------------


def _refuse_import(acting_user: User, pid: str, error: DomainError, path: Path) -> DomainError:
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.ARCHIVE,
            outcome=AuditOutcome.DENY,
            personal_id=pid if PERSONAL_ID.fullmatch(pid or "") else "",
            purpose=Purpose.ARCHIVE_IMPORT,
            detail={
                "operation": "import",
                "bag": Path(path).name[:60],
                "code": error.code,
                "problems": [p.code for p in error.problems][:20],
            },
        )
    return error


def archive_import(
    *,
    acting_user: User,
    path: Path,
    then: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
) -> ArchiveImport:
    """Take a bag in: verify it whole, then propose its dossier as a change set.

    Invariants:
    - nothing is written unless `archive_verify` finds no problem at all;
    - a person who already has a dossier here is refused (`archive_person_exists`, said only
      to who may open it; anyone else gets the write gate's `NotFound`), as is one with a
      pending proposal creating it: never a silent merge;
    - the dossier enters only through `changeset_propose` (latest snapshot, source: the bag),
      so the importer must be allowed to propose it and a records manager approves it;
    - each component's original is stored (encrypted) and gets a `Component` row (RECEIVED,
      linked to the change set) and an `ingestion` preservation event citing the bag; all rows
      in one transaction; stored files of a failed import are removed;
    - every refusal and the import itself are audited (ARCHIVE); hence the writes have their
      own transaction inside, and a refusal's audit event its own, outside it;
    - `then(snapshot)` gives operations proposed after the creation in the same change set
      (a hand-over's receiving unit, `exchange.services.handover`): one change path.
    """
    report = archive_verify(path)
    pid = report.personal_id
    try:
        if not report.valid:
            raise refused(
                "archive_invalid",
                f"Gói lưu trữ không qua kiểm tra ({len(report.problems)} lỗi); không tiếp nhận gì.",
                problems=report.problems,
            )
        if person_queryset().filter(personal_id=pid).exists():
            exists = refused(
                "archive_person_exists",
                f"Người có số định danh {pid} đã có hồ sơ trên hệ thống này; không gộp hồ sơ từ "
                "gói lưu trữ. Nếu cần cập nhật, hãy đề xuất thay đổi trên hồ sơ hiện có.",
                status=409,
            )
            # Said only to who may open that dossier; anyone else gets the write gate's
            # `NotFound` (a protected dossier's existence is not told by an import).
            dossier_write(acting_user, pid, Purpose.ARCHIVE_IMPORT, WRITING_ROLES, refusal=exists)
            raise exists
        if ChangeSet.objects.filter(
            personal_id=pid, creates_dossier=True, status=ChangeStatus.PROPOSED
        ).exists():
            raise refused(
                "archive_proposal_pending",
                f"Đã có đề xuất tạo hồ sơ {pid} đang chờ phê duyệt; xử lý đề xuất đó trước.",
                status=409,
            )
        return _import_verified(acting_user, Path(path), report, then)
    except DomainError as error:
        raise _refuse_import(acting_user, pid, error, Path(path)) from None


def _import_verified(
    acting_user: User,
    root: Path,
    report: ArchiveReport,
    then: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
) -> ArchiveImport:
    doc = report.dossier or {}
    pid = report.personal_id
    versions = doc.get("versions") or []
    data = versions[-1]["snapshot"] if versions else doc.get("current")
    entries = list(doc.get("components") or [])
    known_kinds = codes("component_kind")
    limit = settings.HOSO_UPLOAD_MAX_BYTES
    for entry in entries:
        if entry.get("kind") not in known_kinds:
            raise refused(
                "archive_unknown_kind",
                f"Thành phần số {entry.get('sequence')} có loại «{entry.get('kind')}» không có "
                "trong danh mục loại thành phần của hệ thống này.",
            )
        if int(entry["original"]["size"]) > limit:
            raise refused(
                "archive_component_too_large",
                f"Thành phần số {entry.get('sequence')} vượt giới hạn dung lượng tệp của hệ thống.",
            )
    note = f"Tiếp nhận từ gói lưu trữ {report.export_id or root.name} (BagIt, {root.name})"[:300]
    stored: list[str] = []
    try:
        with transaction.atomic():
            changeset = changeset_propose(
                acting_user=acting_user,
                personal_id=pid,
                operations=[{"op": "create", "data": data}, *(then(data) if then else [])],
                source_kind=SourceKind.DECISION,
                source_note=note,
            )
            made: list[Component] = []
            by_old_id: dict[Any, Component] = {}
            for entry in entries:
                original = entry["original"]
                with open(root / original["path"], "rb") as handle:
                    saved = storage().put(chunks_of(handle))
                stored.append(saved.key)
                if (saved.sha256, saved.size) != (original["sha256"], original["size"]):
                    raise refused(
                        "archive_changed_during_import",
                        f"Tệp {original['path']} đã thay đổi trong lúc tiếp nhận; không ghi gì.",
                    )
                component = component_restore(
                    acting_user=acting_user,
                    personal_id=pid,
                    changeset=changeset,
                    entry=entry,
                    original_name=str(entry.get("original_name") or Path(original["path"]).name),
                    stored=saved,
                    detail=(
                        f"Tiếp nhận bản gốc từ gói lưu trữ «{root.name}» (mã xuất "
                        f"{report.export_id}, tệp {original['path']}), SHA-256 {saved.sha256} "
                        "khớp giá trị trong gói."
                    ),
                )
                made.append(component)
                by_old_id[entry.get("id")] = component
            for entry, component in zip(entries, made, strict=True):
                newer = by_old_id.get(entry.get("superseded_by"))
                if entry.get("superseded_by") is not None and newer is not None:
                    component_supersede(component=component, newer=newer)
            recorder.record(
                user=acting_user,
                action=AuditAction.ARCHIVE,
                outcome=AuditOutcome.OK,
                personal_id=pid,
                purpose=Purpose.ARCHIVE_IMPORT,
                detail={
                    "operation": "import",
                    "bag": root.name[:60],
                    "export_id": report.export_id,
                    "changeset": changeset.pk,
                    "components": len(made),
                },
            )
    except BaseException:
        for key in stored:  # the rows are gone with the transaction; so must the files be
            raw = storage().raw_path(key)
            if raw is not None:
                raw.unlink(missing_ok=True)
        raise
    found = tuple(
        {
            "sequence": e.get("sequence"),
            "kind": e.get("kind"),
            "title": e.get("title"),
            "original": e["original"]["path"],
            "preservation": (e.get("preservation") or {}).get("path"),
        }
        for e in entries
    )
    return ArchiveImport(
        personal_id=pid,
        changeset=changeset,
        components=tuple(made),
        found=found,
        report=report,
    )
