"""Writing a person's (or a unit's) archival packages."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import Role, User
from hoso.access.policies import (
    RANK,
    DossierAccess,
    active_grants,
    dossier_access,
    duty_covers,
    people_scope,
)
from hoso.access.system import system_dossier
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes.models import ApprovalSignature, DossierVersion
from hoso.changes.selectors import versions as change_selectors
from hoso.changes.signatures import approval_payload
from hoso.core.errors import DomainError, NotFound, Problem
from hoso.documents.errors import StorageError
from hoso.documents.models import (
    Component,
    PreservationEvent,
    PreservationEventType,
    PreservationOutcome,
    SignedResume,
)
from hoso.documents.resume_pdf import resume_sensitivity
from hoso.documents.services.preservation import preservation_event_add
from hoso.documents.storage import storage
from hoso.exchange import premis
from hoso.exchange.archive.common import (
    CHECKSUMS,
    DOSSIER_FILE,
    DOSSIER_FORMAT,
    FORMAT,
    PERSONAL_ID,
    README,
    RESTRICTION,
    SOFTWARE,
    STATUTES,
    ArchiveExport,
    UnitExport,
    approval_problems,
    canonical_sha256,
    classification_of,
    extension,
    file_sha256,
    identify,
    lock_down,
    pades_problems,
    refused,
    slug,
    write_new,
)
from hoso.orgs.selectors import org_get
from hoso.people.models import Person
from hoso.people.selectors import person_queryset

# --- Export -----------------------------------------------------------------------------------


def _output_dir(output: Path) -> Path:
    """The directory bags go into: made if missing; refused when it is a file, contains `..`,
    or lies inside the node's encrypted storage (clear data must not sit beside it)."""
    raw = Path(output)
    if ".." in raw.parts:
        raise refused(
            "archive_path_traversal",
            f"Đường dẫn «{output}» có thành phần «..»; hãy ghi đường dẫn trực tiếp.",
        )
    resolved = raw.resolve()
    storage_root = Path(settings.HOSO_STORAGE_DIR).resolve()
    if resolved == storage_root or storage_root in resolved.parents:
        raise refused(
            "archive_inside_storage",
            "Không ghi gói lưu trữ (dữ liệu không mã hóa) vào thư mục lưu trữ mã hóa của hệ thống.",
        )
    if resolved.exists() and not resolved.is_dir():
        raise refused("archive_target_not_directory", f"«{output}» không phải là thư mục.")
    resolved.mkdir(parents=True, exist_ok=True, mode=0o700)
    return resolved


def _target(output: Path, personal_id: str) -> Path:
    target = output / personal_id
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise refused("archive_target_exists", f"«{target}» đã có và không phải thư mục trống.")
    if target.exists() and any(target.iterdir()):
        raise refused(
            "archive_target_not_empty",
            f"Thư mục «{target}» đã có nội dung; không ghi đè gói lưu trữ. "
            "Hãy chọn thư mục khác hoặc chuyển gói cũ đi.",
        )
    return target


def _may_archive(acting_user: User, access: DossierAccess) -> bool:
    """A records manager whose duty covers the person, or a written approval allowing export."""
    return duty_covers(
        acting_user, {Role.RECORDS_MANAGER}, access.person.current_unit.path
    ) or bool(access.can_export)


def _archive_sensitivity(person: Person, acting_user: User) -> str:
    """The class an exporter needs: the highest of any field filled in the dossier now or in
    any of its versions (see `resume.resume_sensitivity`)."""
    current = system_dossier(purpose=Purpose.SYSTEM_ARCHIVE, person=person, acting_user=acting_user)
    best = resume_sensitivity(current)
    for version in change_selectors.versions(person.personal_id):
        found = resume_sensitivity(change_selectors.version_data(version))
        best = found if RANK[found] > RANK[best] else best
    return best


def _deny(acting_user: User, personal_id: str, reason: str, **detail: Any) -> NotFound:
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.ARCHIVE,
            outcome=AuditOutcome.DENY,
            personal_id=personal_id,
            purpose=Purpose.ARCHIVE,
            detail={"reason": reason, **detail},
        )
    return NotFound()


def _copy_stored(key: str, dest: Path, expected: str, what: str) -> int:
    """Stream a stored object into `dest`, checking it against its recorded SHA-256."""
    digest = hashlib.sha256()
    size = 0
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with open(dest, "xb") as out:
            os.chmod(dest, 0o600)
            for block in storage().open(key):
                out.write(block)
                digest.update(block)
                size += len(block)
    except StorageError as exc:
        raise refused(
            "archive_fixity_failed",
            f"Tệp lưu trữ của {what} không đọc được hoặc đã bị thay đổi trên đĩa ({exc}); "
            "không đóng gói. Cần kiểm tra tính toàn vẹn kho lưu trữ.",
            status=500,
        ) from exc
    if digest.hexdigest() != expected:
        raise refused(
            "archive_fixity_failed",
            f"Tệp lưu trữ của {what} không khớp mã băm SHA-256 đã ghi; không đóng gói. "
            "Cần kiểm tra tính toàn vẹn kho lưu trữ.",
            status=500,
        )
    return size


class _Package:
    """The payload of one bag as it is written, and what PREMIS will say about it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects: dict[str, premis.PremisObject] = {}
        self.events: list[premis.PremisEvent] = []

    def describe(self, rel: str, *, original_name: str = "", has_source: str = "") -> None:
        path = self.root / rel
        sha256, size = file_sha256(path)
        name, version = identify(path)
        self.objects[f"data/{rel}"] = premis.PremisObject(
            path=f"data/{rel}",
            sha256=sha256,
            size=size,
            format_name=name,
            format_version=version,
            original_name=original_name,
            has_source=f"data/{has_source}" if has_source else "",
        )

    def link_derivatives(self) -> None:
        for obj in list(self.objects.values()):
            if obj.has_source and obj.has_source in self.objects:
                source = self.objects[obj.has_source]
                self.objects[source.path] = premis.PremisObject(
                    **{**source.__dict__, "is_source_of": (*source.is_source_of, obj.path)}
                )


def _event_rows(pid: str) -> Iterator[PreservationEvent]:
    return PreservationEvent.objects.filter(personal_id=pid).order_by("at", "id").iterator()


def archive_export(
    *,
    acting_user: User,
    personal_id: str,
    output: Path,
    bag_count: str = "1 of 1",
    group: str = "",
) -> ArchiveExport:
    """Write the archival bag of one person into `<output>/<personal_id>/`.

    Invariants:
    - the gate `dossier_access(…, purpose=Purpose.ARCHIVE)` is asked first (audited); then only a
      records manager whose duty covers the person, or a holder of a written approval that
      allows export, may go on; anyone else gets the same 404 as for a missing person, and the
      refusal is audited;
    - the bag is built in `<output>/.<personal_id>.partial` and renamed into place only when
      complete and valid for `bagit`; any failure removes it and records nothing;
    - a non-empty existing target, an output path with `..` or inside the encrypted storage is
      refused before anything is read;
    - every stored file is checked against its recorded SHA-256 while it is copied; a mismatch
      refuses the export (no bag with silently damaged content);
    - the `capture` preservation event and the ARCHIVE audit event are committed before the
      bag appears (a bag never exists without its record); files are mode 600.
    Not one transaction as a whole: refusals must stay audited.
    """
    output = _output_dir(output)
    access = dossier_access(acting_user, str(personal_id), purpose=Purpose.ARCHIVE)
    pid = access.person.personal_id
    if not _may_archive(acting_user, access):
        raise _deny(acting_user, pid, "not_records_manager_or_export_grant")
    if not access.can_see_document(_archive_sensitivity(access.person, acting_user)):
        # The bag holds every field of every version in clear: all or nothing (R-FIELD-CLASS).
        raise _deny(acting_user, pid, "fields_above_ceiling")
    if not PERSONAL_ID.fullmatch(pid):  # a stored id is always 12 digits; never a path
        raise refused("archive_bad_personal_id", "Số định danh không hợp lệ.")
    target = _target(output, pid)
    partial = output / f".{pid}.partial"
    if partial.is_symlink() or (partial.exists() and not partial.is_dir()):
        raise refused("archive_target_exists", f"«{partial}» đã có và không phải thư mục.")
    if partial.exists():
        shutil.rmtree(partial)  # left by an interrupted run of ours: never a finished bag
    partial.mkdir(mode=0o700)
    try:
        with transaction.atomic():
            result = _build(acting_user, access.person, partial, target, bag_count, group)
        os.rename(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return result


def _build(
    acting_user: User, person: Any, partial: Path, target: Path, bag_count: str, group: str
) -> ArchiveExport:
    import bagit  # heavy: loaded only when a bag is written

    pid = person.personal_id
    export_id = "LT" + secrets.token_hex(8).upper()
    now = timezone.now()
    username = acting_user.get_username()
    package = _Package(partial)
    events = package.events

    # dossier.json: the current dossier and every version, each approval with what it signed.
    current = system_dossier(purpose=Purpose.SYSTEM_ARCHIVE, person=person, acting_user=acting_user)
    signatures = {
        s.version_id: s
        for s in ApprovalSignature.objects.filter(version__personal_id=pid).select_related(
            "changeset__proposer", "version"
        )
    }
    versions = []
    for version in DossierVersion.objects.filter(personal_id=pid).order_by("number"):
        signed = signatures.get(version.pk)
        approval = None
        if signed is not None:
            approval = {
                "payload": approval_payload(signed.changeset, version, signed.signer_username),
                "payload_sha256": signed.payload_sha256,
                "cms_base64": base64.b64encode(bytes(signed.cms)).decode("ascii"),
                "signer_certificate_pem": signed.signer_certificate,
                "signer_username": signed.signer_username,
                "signed_at": signed.signed_at.isoformat(),
            }
        versions.append(
            {
                "number": version.number,
                "created_at": version.created_at.isoformat(),
                "changeset_id": version.changeset_id,
                "sha256": version.sha256,
                "snapshot": json.loads(version.snapshot),
                "approval": approval,
            }
        )

    # Components in paper-dossier order: the original byte for byte, and the PDF/A copy.
    component_entries = []
    component_files: dict[int, list[str]] = {}
    components = Component.objects.filter(personal_id=pid).select_related("uploaded_by")
    for sequence, component in enumerate(components.order_by("position", "id"), 1):
        folder = f"components/{sequence:03d}-{slug(component.kind)}"
        what = f"thành phần «{component.title}» (số {sequence})"
        original = f"{folder}/original.{extension(component)}"
        _copy_stored(component.original_key, partial / original, component.original_sha256, what)
        package.describe(original, original_name=component.original_name)
        files = [f"data/{original}"]
        preservation = None
        if component.pdfa_key:
            rel = f"{folder}/preservation.pdf"
            _copy_stored(component.pdfa_key, partial / rel, component.pdfa_sha256, what)
            package.describe(rel, has_source=original)
            files.append(f"data/{rel}")
            preservation = {
                "path": f"data/{rel}",
                "sha256": component.pdfa_sha256,
                "size": component.pdfa_size,
            }
        component_files[component.pk] = files
        component_entries.append(
            {
                "sequence": sequence,
                "id": component.pk,
                "position": component.position,
                "kind": component.kind,
                "title": component.title,
                "section": component.section,
                "section_row_id": component.section_row_id,
                "changeset_id": component.changeset_id,
                "sensitivity": component.sensitivity,
                "status": component.status,
                "pages": component.pages,
                "original_name": component.original_name,
                "media_type": component.media_type,
                "uploaded_by": component.uploaded_by.get_username(),
                "uploaded_at": component.uploaded_at.isoformat(),
                "superseded_by": component.superseded_by_id,
                "original": {
                    "path": f"data/{original}",
                    "sha256": component.original_sha256,
                    "size": component.original_size,
                },
                "preservation": preservation,
            }
        )

    # The signed résumés, as signed, each checked now.
    resume_entries = []
    resume_files: dict[int, str] = {}
    generated = set(
        PreservationEvent.objects.filter(
            personal_id=pid, event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION
        ).values_list("resume_id", flat=True)
    )
    for index, resume in enumerate(
        SignedResume.objects.filter(personal_id=pid).order_by("signed_at", "id"), 1
    ):
        rel = f"resume/{index:02d}-v{resume.version_number}.pdf"
        what = f"sơ yếu lý lịch ký ngày {timezone.localtime(resume.signed_at):%d/%m/%Y}"
        _copy_stored(resume.key, partial / rel, resume.sha256, what)
        package.describe(rel)
        resume_files[resume.pk] = f"data/{rel}"
        resume_entries.append(
            {
                "path": f"data/{rel}",
                "version_number": resume.version_number,
                "as_of": resume.as_of.isoformat() if resume.as_of else None,
                "signer_username": resume.signer_username,
                "certificate_serial": resume.certificate_serial,
                "signed_at": resume.signed_at.isoformat(),
                "sha256": resume.sha256,
                "size": resume.size,
            }
        )
        if resume.pk not in generated:
            events.append(
                premis.PremisEvent(
                    identifier=f"resume-{resume.pk}-signed",
                    event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION,
                    at=resume.signed_at,
                    outcome=PreservationOutcome.SUCCESS,
                    detail=f"Ký số PAdES sơ yếu lý lịch (phiên bản {resume.version_number}), "
                    f"chứng thư số {resume.certificate_serial}.",
                    agents=(resume.signer_username,),
                    objects=(f"data/{rel}",),
                )
            )
        problems = pades_problems((partial / rel).read_bytes(), f"data/{rel}")
        events.append(
            _validation_event(f"resume-{resume.pk}-validated", now, problems, f"data/{rel}")
        )

    classification_code, classification = classification_of(person)
    dossier_doc = {
        "format": DOSSIER_FORMAT,
        "personal_id": pid,
        "export": {"id": export_id, "at": now.isoformat(), "by": username, "software": SOFTWARE},
        "classification": {
            "secret_label": person.secret_label or "",
            "special_category": bool(person.special_category),
            "statement": classification,
        },
        "current": current,
        "current_sha256": canonical_sha256(current),
        "versions": versions,
        "components": component_entries,
        "resumes": resume_entries,
    }
    write_new(
        partial / "dossier.json",
        json.dumps(dossier_doc, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
    )
    package.describe("dossier.json")
    for entry in versions:
        if entry["approval"] is None:
            continue
        approval = entry["approval"]
        events.append(
            premis.PremisEvent(
                identifier=f"approval-v{entry['number']}-signed",
                event_type=PreservationEventType.DIGITAL_SIGNATURE_GENERATION,
                at=datetime.fromisoformat(approval["signed_at"]),
                outcome=PreservationOutcome.SUCCESS,
                detail=f"Ký số (CMS) phê duyệt đề xuất {entry['changeset_id']}, tạo phiên bản "
                f"{entry['number']} của hồ sơ.",
                agents=(approval["signer_username"],),
                objects=(DOSSIER_FILE,),
            )
        )
        events.append(
            _validation_event(
                f"approval-v{entry['number']}-validated",
                now,
                approval_problems(pid, entry),
                DOSSIER_FILE,
            )
        )

    # The node's own preservation events, then what this export did.
    recorded = []
    for row in _event_rows(pid):
        objects: tuple[str, ...] = ()
        if row.component_id in component_files:
            objects = tuple(component_files[row.component_id])
        elif row.resume_id in resume_files:
            objects = (resume_files[row.resume_id],)
        recorded.append(
            premis.PremisEvent(
                identifier=f"event-{row.pk}",
                event_type=row.event_type,
                at=row.at,
                outcome=row.outcome,
                detail=row.detail,
                agents=(row.agent,),
                objects=objects,
            )
        )
    stored_paths = tuple(p for files in component_files.values() for p in files) + tuple(
        resume_files.values()
    )
    if stored_paths:
        events.append(
            premis.PremisEvent(
                identifier=f"{export_id}-fixity",
                event_type=PreservationEventType.FIXITY_CHECK,
                at=now,
                outcome=PreservationOutcome.SUCCESS,
                detail="Mã băm SHA-256 của từng tệp lưu trữ được tính lại khi đóng gói và khớp "
                "với giá trị đã ghi.",
                agents=(SOFTWARE,),
                objects=stored_paths,
            )
        )
    capture_detail = (
        f"Đóng gói lưu trữ BagIt (RFC 8493), mã xuất {export_id}, gói «{pid}», "
        f"{len(versions)} phiên bản, {len(component_entries)} thành phần, "
        f"{len(resume_entries)} sơ yếu lý lịch."
    )
    capture = preservation_event_add(
        personal_id=pid,
        event_type=PreservationEventType.CAPTURE,
        detail=capture_detail,
        agent=username,
        at=now,
    )
    package.link_derivatives()
    all_events = [*recorded, *events]
    all_events.append(
        premis.PremisEvent(
            identifier=f"event-{capture.pk}",
            event_type=PreservationEventType.CAPTURE,
            at=now,
            outcome=PreservationOutcome.SUCCESS,
            detail=capture_detail,
            agents=(username, SOFTWARE),
            objects=tuple(package.objects),
        )
    )
    document = premis.PremisDocument(
        objects=tuple(package.objects.values()),
        events=tuple(all_events),
        agents=_agents(all_events),
        rights=(
            premis.PremisRights(
                identifier=f"{export_id}-rights",
                jurisdiction="VN",
                citation=STATUTES,
                classification=classification,
                restriction=RESTRICTION,
                objects=tuple(package.objects),
            ),
        ),
    )
    write_new(partial / "metadata" / "premis.xml", premis.premis_write(document))

    # The bag: payload moved under data/, manifests, then BagIt 1.0 and the README as tags.
    source = person.managing_agency or person.current_unit
    bag = bagit.make_bag(
        str(partial),
        bag_info={
            "Source-Organization": source.name,
            "Contact-Name": acting_user.full_name or username,
            "External-Description": (
                "Gói lưu trữ hồ sơ điện tử cán bộ, công chức, viên chức: hồ sơ và lịch sử phiên "
                "bản, sơ yếu lý lịch đã ký số, thành phần hồ sơ, siêu dữ liệu PREMIS. TÀI LIỆU MẬT."
            ),
            "Bagging-Date": timezone.localdate(now).isoformat(),
            "External-Identifier": pid,
            "Bag-Count": bag_count,
            **({"Bag-Group-Identifier": group} if group else {}),
            "Internal-Sender-Identifier": export_id,
            "Internal-Sender-Description": f"Xuất bởi {username} lúc "
            f"{timezone.localtime(now):%d/%m/%Y %H:%M}",
            "Bag-Software-Agent": f"{SOFTWARE} (bagit {bagit.VERSION})",
            "Hoso-Format": FORMAT,
            "Hoso-Export-Id": export_id,
            "Hoso-Classification": f"{classification_code}: {classification}",
        },
        checksums=CHECKSUMS,
    )
    (partial / "bagit.txt").write_text(
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    write_new(
        partial / "README.txt",
        README.format(
            pid=pid,
            classification=classification,
            export_id=export_id,
            exporter=username,
            moment=f"{timezone.localtime(now):%d/%m/%Y %H:%M}",
        ).encode("utf-8"),
    )
    bag = bagit.Bag(str(partial))
    bag.save()  # tag manifests now cover bagit.txt (1.0) and README.txt
    lock_down(partial)
    bag = bagit.Bag(str(partial))
    bag.validate()
    oxum = bag.info.get("Payload-Oxum", "0.0")
    total_bytes, total_files = (int(x) for x in oxum.split("."))
    tagmanifest = hashlib.sha256((partial / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    recorder.record(
        user=acting_user,
        action=AuditAction.ARCHIVE,
        outcome=AuditOutcome.OK,
        personal_id=pid,
        purpose=Purpose.ARCHIVE,
        detail={
            "operation": "export",
            "export_id": export_id,
            "bag": target.name,
            "files": total_files,
            "bytes": total_bytes,
            "tagmanifest_sha256": tagmanifest,
            "versions": len(versions),
            "components": len(component_entries),
            "resumes": len(resume_entries),
        },
    )
    return ArchiveExport(
        personal_id=pid,
        path=target,
        export_id=export_id,
        files=total_files,
        bytes=total_bytes,
        versions=len(versions),
        components=len(component_entries),
        resumes=len(resume_entries),
    )


def _validation_event(
    identifier: str, at: datetime, problems: list[Problem], path: str
) -> premis.PremisEvent:
    detail = "Kiểm tra chữ ký số khi đóng gói: hợp lệ."
    if problems:
        detail = "Kiểm tra chữ ký số khi đóng gói: KHÔNG hợp lệ — " + "; ".join(
            f"{p.message} [{p.code}]" for p in problems
        )
    return premis.PremisEvent(
        identifier=identifier,
        event_type=PreservationEventType.DIGITAL_SIGNATURE_VALIDATION,
        at=at,
        outcome=PreservationOutcome.FAILURE if problems else PreservationOutcome.SUCCESS,
        detail=detail[:1000],
        agents=(SOFTWARE,),
        objects=(path,),
    )


def _agents(events: list[premis.PremisEvent]) -> tuple[premis.PremisAgent, ...]:
    names = sorted({a for e in events for a in e.agents})
    people = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=names)  # type: ignore[attr-defined]
    }
    agents = []
    for name in names:
        if name in people:
            agents.append(premis.PremisAgent(name, people[name].full_name or name, "person"))
        else:
            software, _, version = name.rpartition(" ")
            agents.append(
                premis.PremisAgent(name, software or name, "software", version if software else "")
            )
    return tuple(agents)


def archive_export_unit(
    *,
    acting_user: User,
    unit_code: str,
    output: Path,
    progress: Callable[[str], None] | None = None,
) -> UnitExport:
    """One bag per person of the unit's subtree that this user may open, in
    `<output>/<personal_id>/`, and `<output>/summary.json`.

    Invariants: the user must be a records manager whose duty covers the unit, or hold a
    written approval allowing export that covers it (else the same 404 as for an unknown unit,
    audited); `output` must be empty or new; each bag is written as `archive_export` writes
    it (whole or not at all); a person whose bag fails is listed with the reason and the others
    go on; people of the subtree the user may not open are counted, never named.
    """
    output = _output_dir(output)
    unit = org_get(str(unit_code))
    allowed = unit is not None and (
        duty_covers(acting_user, {Role.RECORDS_MANAGER}, unit.path)
        or any(
            g.allow_export
            and g.organization is not None
            and unit.path.startswith(g.organization.path)
            for g in active_grants(acting_user)
        )
    )
    if not allowed:
        raise _deny(acting_user, "", "unit_not_covered", unit=str(unit_code)[:40])
    if any(output.iterdir()):
        raise refused(
            "archive_target_not_empty",
            f"Thư mục «{output}» đã có nội dung; xuất theo đơn vị cần một thư mục mới hoặc trống.",
        )
    subtree = person_queryset().filter(current_unit__path__startswith=unit.path)
    people = list(
        person_queryset()
        .filter(people_scope(acting_user))
        .filter(current_unit__path__startswith=unit.path)
        .order_by("personal_id")
        .values_list("personal_id", flat=True)
    )
    outside = subtree.count() - len(people)
    group = f"{unit.code}-{timezone.localdate():%Y%m%d}"
    exported: list[ArchiveExport] = []
    failed: list[tuple[str, str, str]] = []
    for index, pid in enumerate(people, 1):
        try:
            exported.append(
                archive_export(
                    acting_user=acting_user,
                    personal_id=pid,
                    output=output,
                    bag_count=f"{index} of {len(people)}",
                    group=group,
                )
            )
        except DomainError as exc:
            failed.append((pid, exc.code, exc.message))
        if progress is not None:
            progress(pid)
    summary = {
        "format": "hoso.archive.unit/1",
        "unit": {"code": unit.code, "name": unit.name},
        "group": group,
        "exported_at": timezone.now().isoformat(),
        "exported_by": acting_user.get_username(),
        "bags": [
            {
                "personal_id": e.personal_id,
                "directory": e.path.name,
                "export_id": e.export_id,
                "files": e.files,
                "bytes": e.bytes,
            }
            for e in exported
        ],
        "failed": [{"personal_id": p, "code": c, "message": m} for p, c, m in failed],
        "outside_scope": outside,
        "note": "Các gói chứa dữ liệu hồ sơ không mã hóa: TÀI LIỆU MẬT.",
    }
    path = output / "summary.json"
    tmp = output / ".summary.json.partial"
    tmp.unlink(missing_ok=True)
    write_new(tmp, json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
    os.replace(tmp, path)
    return UnitExport(
        unit_code=unit.code,
        path=output,
        exported=tuple(exported),
        failed=tuple(failed),
        outside_scope=outside,
        summary=path,
    )
