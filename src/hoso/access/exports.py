"""Exports of lists and dossiers (issue: security, item 9; R-PROHIBITED).

Every exported file needs a written approval that allows export for every person in it,
carries who exported it, when (Vietnam time), and an export id in its first lines, and is
audited with the file's SHA-256, so a leaked copy can be traced. Spreadsheet formulas are
neutralized.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access import masking, recorder
from hoso.access.models import Role
from hoso.access.policies import (
    READING_ROLES,
    DossierAccess,
    Gate,
    audit_scope,
    can_review_audit,
    dossier_access,
    gate_for,
    protected_hidden,
)
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import PURPOSES, Purpose
from hoso.audit.selectors import event_list
from hoso.catalog.selectors import name_of
from hoso.core.errors import DomainError
from hoso.people.models import Person

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportRefused(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(code="export_not_allowed", message=message, status=403)


@dataclass(frozen=True)
class ExportFile:
    export_id: str
    filename: str
    content_type: str
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _header(user: Any, export_id: str) -> list[list[str]]:
    moment = timezone.localtime().strftime("%d/%m/%Y %H:%M:%S")
    return [
        ["# Hồ sơ điện tử cán bộ, công chức, viên chức — TÀI LIỆU MẬT, không sao chép trái phép"],
        [
            f"# Người xuất: {user.get_username()}",
            f"Thời điểm (giờ Việt Nam): {moment}",
            f"Mã xuất: {export_id}",
        ],
    ]


def _export_allowed(gate: Gate, person: Person) -> DossierAccess | None:
    access = gate.access(person)
    if access is None:
        return None
    if not any(g.allow_export and gate.covers(g, person) for g in gate.grants):
        return None
    return access


def _refuse(user: Any, message: str, detail: dict[str, Any]) -> ExportRefused:
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.EXPORT,
            outcome=AuditOutcome.DENY,
            purpose=Purpose.EXPORT,
            detail=detail,
        )
    return ExportRefused(message)


def _may_export(gate: Gate) -> bool:
    """Exports are for records-reading duties (and grantees allowed to export); anyone else
    (the administrator, an employee on their own) is refused before any export id exists."""
    ceilings = gate.ceilings
    reading = any(d.role in READING_ROLES and ceilings.get(d.role) for d in gate.duties)
    return reading or any(g.allow_export for g in gate.grants)


NO_EXPORT_DUTY = (
    "Không được xuất: chỉ người được giao nhiệm vụ khai thác hồ sơ (hoặc có văn bản phê duyệt "
    "cho phép xuất) mới được xuất dữ liệu."
)


def _all_exportable(user: Any, people: list[Person], query: dict[str, Any]) -> list[Any]:
    """Each person with the access that lets `user` export them; refused whole (and audited)
    unless the user holds a records-reading duty or an export grant covering every one."""
    gate = gate_for(user)
    if not _may_export(gate):
        raise _refuse(user, NO_EXPORT_DUTY, {"reason": "no_export_duty", "query": query})
    accesses = [(p, _export_allowed(gate, p)) for p in people]
    refused = [p.personal_id for p, a in accesses if a is None]
    if refused:
        raise _refuse(
            user,
            f"Không được xuất: {len(refused)}/{len(people)} hồ sơ không có văn bản phê duyệt "
            "cho phép xuất dữ liệu.",
            {"refused": refused[:100], "query": query},
        )
    return accesses


def people_list_export(*, user: Any, people: list[Person], query: dict[str, Any]) -> ExportFile:
    """A CSV of search results; refused whole unless the user holds a records-reading duty
    or an export grant, and every row is covered for export."""
    accesses = _all_exportable(user, people, query)
    export_id = uuid.uuid4().hex
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _header(user, export_id):
        writer.writerow([cell(c) for c in line])
    columns = ["Số định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị", "Ngạch", "Chức vụ"]
    writer.writerow(columns)
    for person, access in accesses:
        visible = masking.summary_visible(access)

        def show(column: str, value: Any, visible: set[str] = visible) -> str:
            return cell(value) if column in visible else "[đã che]"

        writer.writerow(
            [
                cell(person.personal_id),
                show("full_name", person.full_name),
                show("birth_date", person.birth_date.strftime("%d/%m/%Y")),
                show("sex", person.get_sex_display()),
                show("unit", person.current_unit.name),
                show("rank", name_of("rank", person.current_rank_code)),
                show("position", name_of("position", person.current_position_code)),
            ]
        )
    body = ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8
    result = ExportFile(
        export_id, f"danh-sach-{export_id[:8]}.csv", "text/csv; charset=utf-8", body
    )
    _record(user, result, [p.personal_id for p in people], query)
    return result


def dossier_export(*, user: Any, personal_id: str) -> ExportFile:
    """The masked dossier as JSON with its export stamp."""
    access = dossier_access(user, personal_id, purpose=Purpose.EXPORT)
    if _export_allowed(gate_for(user), access.person) is None:
        raise _refuse(
            user,
            "Không được xuất: chưa có văn bản phê duyệt cho phép xuất hồ sơ này.",
            {"personal_id": personal_id},
        )
    export_id = uuid.uuid4().hex
    document = {
        "export": {
            "id": export_id,
            "by": user.get_username(),
            "at": timezone.localtime().isoformat(timespec="seconds"),  # +07:00
            "classification": "TÀI LIỆU MẬT",
        },
        "personal_id": personal_id,
        "sections": access.content(),
        "masked": access.masked,
    }
    body = json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    result = ExportFile(
        export_id, f"ho-so-{personal_id}-{export_id[:8]}.json", "application/json", body
    )
    _record(user, result, [personal_id], {"personal_id": personal_id})
    return result


def dossiers_for_export(*, user: Any, people: list[Person], query: dict[str, Any]) -> list[Any]:
    """The whole (masked) dossiers of `people` as plain data, for an export in another layout
    (`exchange.imports.export`): refused whole, audited, unless the user may export every one.
    The caller records the file it writes with `export_recorded`."""
    accesses = _all_exportable(user, people, query)
    return [access.content() for _, access in accesses]


def export_recorded(
    *, user: Any, filename: str, body: bytes, ids: list[str], query: dict[str, Any]
) -> str:
    """Audit an export written elsewhere (EXPORT with its SHA-256); returns its export id."""
    export = ExportFile(uuid.uuid4().hex, filename, "application/octet-stream", body)
    _record(user, export, ids, query)
    return export.export_id


def _record(user: Any, export: ExportFile, ids: list[str], query: dict[str, Any]) -> None:
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.EXPORT,
            outcome=AuditOutcome.OK,
            purpose=Purpose.EXPORT,
            personal_id=ids[0] if len(ids) == 1 else "",
            detail={
                "export_id": export.export_id,
                "sha256": export.sha256,
                "filename": export.filename,
                "count": len(ids),
                "personal_ids": ids,
                "query": query,
            },
        )


# --- The audit trail ----------------------------------------------------------------------------

AUDIT_EXPORT_MAX = 100_000  # events per file; `HOSO_AUDIT_EXPORT_MAX` overrides
AUDIT_COLUMNS = [
    "Số thứ tự",
    "Thời điểm (giờ Việt Nam)",
    "Thời điểm (UTC)",
    "Tài khoản",
    "Vai trò",
    "Đơn vị (mã)",
    "Hành động",
    "Kết quả",
    "Số định danh",
    "Số trường",
    "Mục đích",
    "Văn bản phê duyệt",
    "Địa chỉ máy khách",
    "Mã tương quan",
    "Chi tiết",
    "Mã băm sự kiện",
]


def role_labels(roles: str) -> str:
    """Roles as an audit event stores them ("auditor,records_manager") → Vietnamese names."""
    return ", ".join(Role(r).label if r in Role.values else r for r in roles.split(",") if r)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def audit_trail_export(
    *, user: Any, filters: dict[str, Any], described: dict[str, str]
) -> ExportFile:
    """The audit events matching `filters` (keywords of `audit.selectors.event_list`) inside
    the user's audit scope, as CSV.

    Invariants: only a reviewer of the audit trail exports it (`policies.can_review_audit`),
    and only events of their scope; the first lines name the exporter, the time (Vietnam) and the
    export id, and the filters; every cell is neutralized against spreadsheet formulas; the
    file is audited (`EXPORT`, with its SHA-256) before it is handed out. Refusals are audited.
    """
    if not can_review_audit(user):
        raise _refuse(
            user,
            "Chỉ thanh tra, kiểm tra và cán bộ quản lý hồ sơ được xuất nhật ký.",
            {"kind": "audit_trail", "query": described},
        )
    limit = int(getattr(settings, "HOSO_AUDIT_EXPORT_MAX", AUDIT_EXPORT_MAX))
    events = event_list(**filters).filter(audit_scope(user))
    count = events.count()
    if count > limit:
        raise _refuse(
            user,
            f"Có {_thousands(count)} sự kiện, nhiều hơn {_thousands(limit)} sự kiện một lần "
            "xuất; hãy thu hẹp bộ lọc (ví dụ theo khoảng ngày).",
            {"kind": "audit_trail", "query": described, "count": count},
        )
    export_id = uuid.uuid4().hex
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _header(user, export_id):
        writer.writerow([cell(c) for c in line])
    query = "; ".join(f"{k}: {v}" for k, v in described.items()) or "không lọc"
    writer.writerow([cell(f"# Bộ lọc: {query}"), cell(f"Số sự kiện: {count}")])
    writer.writerow([cell(c) for c in AUDIT_COLUMNS])
    actions = dict(AuditAction.choices)
    outcomes = dict(AuditOutcome.choices)
    # A search's list of people shown may name protected dossiers the exporter may not open.
    hidden = set(protected_hidden(user).values_list("personal_id", flat=True))
    for e in events.iterator(chunk_size=2000):
        if hidden and isinstance(e.detail.get("shown"), list):
            e.detail["shown"] = [p for p in e.detail["shown"] if p not in hidden]
        writer.writerow(
            [
                cell(value)
                for value in (
                    e.seq,
                    timezone.localtime(e.occurred_at).strftime("%d/%m/%Y %H:%M:%S"),
                    e.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    e.actor_username,
                    role_labels(e.actor_role),
                    e.actor_unit,
                    actions.get(e.action, e.action),
                    outcomes.get(e.outcome, e.outcome),
                    e.personal_id,
                    len(e.sections or []),
                    PURPOSES.get(e.purpose, e.purpose),  # an unnamed one exactly as kept
                    e.grant_id,
                    e.client_address,
                    e.correlation_id,
                    json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
                    e.hash,
                )
            ]
        )
    body = ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    result = ExportFile(
        export_id, f"nhat-ky-{stamp}-{export_id[:8]}.csv", "text/csv; charset=utf-8", body
    )
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.EXPORT,
            outcome=AuditOutcome.OK,
            purpose=Purpose.AUDIT_EXPORT,
            detail={
                "kind": "audit_trail",
                "export_id": result.export_id,
                "sha256": result.sha256,
                "filename": result.filename,
                "count": count,
                "query": described,
            },
        )
    return result
