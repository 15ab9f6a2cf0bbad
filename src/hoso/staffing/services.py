"""Writing staffing quotas (biên chế) and job positions (vị trí việc làm) (R-NATIONAL,
R-JOB-POSITION).

Invariants:
- Only a records manager whose duty covers the unit writes (`policies.may_keep_staffing`);
  anyone else gets the same `NotFound` as for a unit that does not exist, audited as denied.
- Every quota carries the document that assigned it (number, date, issuer). A change is never
  an overwrite: each assignment appends a `QuotaChange` with the old and new value.
- A quota is never set below the people at work it already covers (the unit's subtree).
- A job position's description is dated: a change closes the open version the day before the
  new one starts; ending it closes the last one. `JobPosition` mirrors the current version.
- Every write is an audit event (`QUOTA_CHANGE`, `JOB_POSITION_CHANGE`) in the same
  transaction; every refused one too, in a transaction of its own after the write's was
  rolled back, so that the refusal stays and nothing else does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.catalog.selectors import attrs_map, attrs_of, codes, name_of
from hoso.core.dates import today, vn
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.orgs.models import (
    JobPosition,
    JobPositionVersion,
    Organization,
    QuotaChange,
    StaffingQuota,
)
from hoso.people.selectors import working_headcount
from hoso.staffing.policies import may_keep_staffing

# Limits of the input, not numbers from law: a quota is given for a budget year, recorded at
# most some years back (older documents are archive matter) and a few years ahead.
YEARS_BACK = 20
YEARS_AHEAD = 5
QUOTA_MAX = 1_000_000  # more than the whole country's civil service in one unit: a typo
HEADCOUNT_MAX = 10_000
COMPETENCIES_MAX = 30


def year_range() -> tuple[int, int]:
    """The years a quota may be set for (today's year − YEARS_BACK … + YEARS_AHEAD)."""
    now = today().year
    return now - YEARS_BACK, now + YEARS_AHEAD


def _username(user: Any) -> str:
    return user.get_username() if user is not None else "system"


def _deny(acting_user: Any, action: str, detail: dict[str, Any]) -> NotFound:
    """Record a refused write outside the caller's transaction (so it stays) and return the
    one `NotFound`: the unit may not exist, or not be the user's to keep."""
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=action,
            outcome=AuditOutcome.DENY,
            detail={**detail, "problems": ["not_found"]},
        )
    return NotFound(
        "Không tìm thấy đơn vị hoặc bạn không được giao quản lý biên chế của đơn vị này."
    )


def staffing_write_refused(*, acting_user: Any, action: str, unit: str, **detail: Any) -> None:
    """Record a write the user may not make, refused before its service was reached (a page
    that turns away whoever does not keep the unit's staffing)."""
    _deny(acting_user, action, {"unit": unit, **detail})


def _refuse(acting_user: Any, action: str, problems: list[Problem], detail: dict[str, Any]):
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=action,
            outcome=AuditOutcome.DENY,
            detail={**detail, "problems": sorted({p.code for p in problems})},
        )
    return ValidationFailed(problems)


def _document_problems(number: str, day: date | None, issuer: str) -> list[Problem]:
    problems = []
    if not number.strip():
        problems.append(
            Problem(
                "document_number_required", "Hãy nhập số văn bản giao biên chế.", "document_number"
            )
        )
    if day is None:
        problems.append(
            Problem(
                "document_date_required", "Hãy nhập ngày văn bản (dd/mm/yyyy).", "document_date"
            )
        )
    elif day > today():
        problems.append(
            Problem(
                "document_date_future",
                f"Ngày văn bản {vn(day)} ở sau ngày hôm nay: văn bản chưa ban hành.",
                "document_date",
            )
        )
    if not issuer.strip():
        problems.append(
            Problem(
                "document_issuer_required",
                "Hãy nhập cơ quan, người ban hành văn bản.",
                "document_issuer",
            )
        )
    return problems


def citation(number: str, day: date | None, issuer: str) -> str:
    """The document as it is cited: "Văn bản số 12/QĐ-UBND ngày 05/01/2026 của UBND tỉnh"."""
    return f"Văn bản số {number.strip()} ngày {vn(day)} của {issuer.strip()}"


def quota_set(
    *,
    acting_user: Any,
    organization: Organization | None,
    year: int,
    staff_category: str,
    quota: int,
    document_number: str,
    document_date: date | None,
    document_issuer: str,
    legal_basis: str = "",
    note: str = "",
) -> StaffingQuota:
    """Assign or change the quota of `organization` for `year` and `staff_category`.

    `legal_basis` defaults to the document's citation. Refused, with each problem named next
    to its field and nothing written: a unit that does not exist or is not the user's
    (`NotFound`), a category not in catalog `staff_category`, a year out of `year_range`, a
    negative quota, or one below the people at work it covers (named), a missing document.
    """
    described = {
        "unit": organization.code if organization is not None else "",
        "year": year,
        "staff_category": staff_category,
        "new_quota": quota,
        "document_number": document_number,
    }
    if organization is None or not may_keep_staffing(acting_user, organization):
        raise _deny(acting_user, AuditAction.QUOTA_CHANGE, described)
    problems: list[Problem] = []
    first, last = year_range()
    if not first <= year <= last:
        problems.append(
            Problem(
                "year_out_of_range",
                f"Năm giao biên chế phải trong khoảng {first} – {last}.",
                "year",
            )
        )
    if staff_category not in codes("staff_category"):
        problems.append(
            Problem(
                "unknown_staff_category",
                f"Đối tượng «{staff_category}» không có trong danh mục.",
                "staff_category",
            )
        )
    if quota < 0:
        problems.append(Problem("negative_quota", "Chỉ tiêu biên chế không thể âm.", "quota"))
    elif quota > QUOTA_MAX:
        problems.append(
            Problem(
                "quota_too_large",
                f"Chỉ tiêu biên chế không thể quá {QUOTA_MAX:,}.".replace(",", "."),
                "quota",
            )
        )
    problems += _document_problems(document_number, document_date, document_issuer)
    if not problems:
        headcount = working_headcount(staff_category=staff_category, unit_path=organization.path)
        if quota < headcount:
            problems.append(
                Problem(
                    "quota_below_headcount",
                    f"Chỉ tiêu {quota} thấp hơn số "
                    f"{name_of('staff_category', staff_category).lower()} đang công tác ở "
                    f"«{organization.name}» và các đơn vị trực thuộc: "
                    f"{headcount} người. Hãy giao ít nhất {headcount}.",
                    "quota",
                )
            )
    if problems:
        raise _refuse(acting_user, AuditAction.QUOTA_CHANGE, problems, described)
    with transaction.atomic():
        basis = legal_basis.strip() or citation(document_number, document_date, document_issuer)
        now = timezone.now()
        row = (
            StaffingQuota.objects.select_for_update()
            .filter(organization=organization, year=year, staff_category=staff_category)
            .first()
        )
        old = row.quota if row is not None else None
        values = {
            "quota": quota,
            "legal_basis": basis,
            "document_number": document_number.strip(),
            "document_date": document_date,
            "document_issuer": document_issuer.strip(),
            "updated_at": now,
        }
        if row is None:
            row = StaffingQuota.objects.create(
                organization=organization, year=year, staff_category=staff_category, **values
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
        QuotaChange.objects.create(
            quota=row,
            old_quota=old,
            new_quota=quota,
            legal_basis=basis,
            document_number=values["document_number"],
            document_date=document_date,
            document_issuer=values["document_issuer"],
            note=note.strip(),
            changed_at=now,
            changed_by=_username(acting_user),
        )
        recorder.record(
            user=acting_user,
            username="" if acting_user is not None else "system",
            action=AuditAction.QUOTA_CHANGE,
            outcome=AuditOutcome.OK,
            detail={**described, "old_quota": old, "quota_id": row.pk, "legal_basis": basis},
        )
        return row


# --- Job positions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionSpec:
    """A job position's description as one version holds it."""

    name: str
    staff_category: str
    description: str = ""
    qualification_code: str = ""
    rank_code: str = ""
    competencies: tuple[str, ...] = ()
    headcount: int = 1
    legal_basis: str = ""

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.strip(),
            "description": self.description.strip(),
            "staff_category": self.staff_category,
            "qualification_code": self.qualification_code,
            "rank_code": self.rank_code,
            "competencies": [c.strip() for c in self.competencies if c.strip()],
            "headcount": self.headcount,
            "legal_basis": self.legal_basis.strip(),
        }


def competencies_of(text: str | Iterable[str]) -> tuple[str, ...]:
    """Competencies typed one a line (or given as a list), blanks and repeats left out."""
    items = text.splitlines() if isinstance(text, str) else list(text)
    return tuple(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def _spec_problems(spec: PositionSpec) -> list[Problem]:
    problems = []
    if not spec.name.strip():
        problems.append(Problem("name_required", "Hãy nhập tên vị trí việc làm.", "name"))
    elif len(spec.name.strip()) > 300:
        problems.append(Problem("name_too_long", "Tên vị trí việc làm dài quá 300 ký tự.", "name"))
    if spec.staff_category not in codes("staff_category"):
        problems.append(
            Problem(
                "unknown_staff_category",
                f"Đối tượng «{spec.staff_category}» không có trong danh mục.",
                "staff_category",
            )
        )
    if spec.qualification_code and spec.qualification_code not in codes("qualification"):
        problems.append(
            Problem(
                "unknown_qualification",
                f"Trình độ «{spec.qualification_code}» không có trong danh mục trình độ đào tạo.",
                "qualification_code",
            )
        )
    if spec.rank_code and spec.rank_code not in codes("rank"):
        problems.append(
            Problem(
                "unknown_rank",
                f"Ngạch, chức danh nghề nghiệp «{spec.rank_code}» không có trong danh mục.",
                "rank_code",
            )
        )
    elif spec.rank_code:
        # Ranks are civil servants', professional titles public employees' (catalog `rank`,
        # attribute staff_category): a position of the one cannot ask for the other's.
        rank_category = attrs_of("rank", spec.rank_code).get("staff_category")
        ranked = {a.get("staff_category") for a in attrs_map("rank").values()} - {None}
        if (
            rank_category in ranked
            and spec.staff_category in ranked
            and rank_category != spec.staff_category
        ):
            problems.append(
                Problem(
                    "rank_of_other_category",
                    f"«{name_of('rank', spec.rank_code)}» ({spec.rank_code}) dành cho "
                    f"{name_of('staff_category', rank_category).lower()}, không dùng cho vị trí "
                    f"của {name_of('staff_category', spec.staff_category).lower()}.",
                    "rank_code",
                )
            )
    if not 1 <= spec.headcount <= HEADCOUNT_MAX:
        problems.append(
            Problem(
                "bad_headcount",
                f"Số người làm việc ở vị trí phải từ 1 đến {HEADCOUNT_MAX:,}.".replace(",", "."),
                "headcount",
            )
        )
    if len([c for c in spec.competencies if c.strip()]) > COMPETENCIES_MAX:
        problems.append(
            Problem(
                "too_many_competencies",
                f"Nhiều nhất {COMPETENCIES_MAX} năng lực, mỗi năng lực một dòng.",
                "competencies",
            )
        )
    return problems


def _period_problems(valid_from: date | None, valid_to: date | None) -> list[Problem]:
    if valid_from is None:
        return [
            Problem(
                "valid_from_required", "Hãy nhập ngày bắt đầu áp dụng (dd/mm/yyyy).", "valid_from"
            )
        ]
    if valid_to is not None and valid_to < valid_from:
        return [
            Problem(
                "period_reversed",
                f"Ngày hết hiệu lực {vn(valid_to)} ở trước ngày bắt đầu {vn(valid_from)}.",
                "valid_to",
            )
        ]
    return []


def _record_position(acting_user: Any, change: str, position: JobPosition, **detail: Any) -> None:
    recorder.record(
        user=acting_user,
        username="" if acting_user is not None else "system",
        action=AuditAction.JOB_POSITION_CHANGE,
        outcome=AuditOutcome.OK,
        detail={
            "change": change,
            "unit": position.organization.code,
            "code": position.code,
            "position_id": position.pk,
            **detail,
        },
    )


def _version(position: JobPosition, values: dict[str, Any], start: date, end: date | None, by: str):
    return JobPositionVersion.objects.create(
        position=position,
        valid_from=start,
        valid_to=end,
        recorded_at=timezone.now(),
        recorded_by=by,
        **values,
    )


def job_position_create(
    *,
    acting_user: Any,
    organization: Organization | None,
    code: str,
    spec: PositionSpec,
    valid_from: date | None,
    valid_to: date | None = None,
) -> JobPosition:
    """Define a job position of `organization` with its first dated version. Refused: a code
    already used in the unit (ended positions keep theirs), unknown catalog values,
    `valid_to` before `valid_from`, a start before the unit existed."""
    code = code.strip()
    unit = organization.code if organization else ""
    described = {"change": "create", "unit": unit, "code": code}
    if organization is None or not may_keep_staffing(acting_user, organization):
        raise _deny(acting_user, AuditAction.JOB_POSITION_CHANGE, described)
    problems: list[Problem] = []
    if not code:
        problems.append(Problem("code_required", "Hãy nhập mã vị trí việc làm.", "code"))
    elif len(code) > 32:
        problems.append(Problem("code_too_long", "Mã vị trí việc làm dài quá 32 ký tự.", "code"))
    elif JobPosition.objects.filter(organization=organization, code=code).exists():
        problems.append(
            Problem(
                "duplicate_job_position",
                f"Mã vị trí việc làm «{code}» đã có ở «{organization.name}».",
                "code",
            )
        )
    problems += _spec_problems(spec)
    problems += _period_problems(valid_from, valid_to)
    if valid_from is not None and valid_from < organization.valid_from:
        problems.append(
            Problem(
                "before_unit",
                f"Đơn vị «{organization.name}» thành lập ngày {vn(organization.valid_from)}: "
                "vị trí việc làm không thể áp dụng trước ngày đó.",
                "valid_from",
            )
        )
    if problems:
        raise _refuse(acting_user, AuditAction.JOB_POSITION_CHANGE, problems, described)
    assert valid_from is not None
    values = spec.values()
    with transaction.atomic():
        position = JobPosition.objects.create(
            organization=organization, code=code, valid_from=valid_from, valid_to=valid_to, **values
        )
        _version(position, values, valid_from, valid_to, _username(acting_user))
        _record_position(acting_user, "create", position, valid_from=valid_from.isoformat())
    return position


def _open_version(position: JobPosition) -> JobPositionVersion | None:
    """The latest version, locked (inside the caller's transaction)."""
    return (
        JobPositionVersion.objects.select_for_update()
        .filter(position=position)
        .order_by("-valid_from")
        .first()
    )


def _described(change: str, position: JobPosition | None) -> dict[str, Any]:
    return {
        "change": change,
        "unit": position.organization.code if position else "",
        "code": position.code if position else "",
    }


def job_position_change(
    *,
    acting_user: Any,
    position: JobPosition | None,
    spec: PositionSpec,
    valid_from: date | None,
) -> JobPositionVersion:
    """A new description of `position` from `valid_from`: the version in force is closed the
    day before, nothing is overwritten. Refused: an ended position, a start not after the
    current version's, unknown catalog values."""
    described = _described("change", position)
    if position is None or not may_keep_staffing(acting_user, position.organization):
        raise _deny(acting_user, AuditAction.JOB_POSITION_CHANGE, described)
    try:
        with transaction.atomic():
            JobPosition.objects.select_for_update().filter(pk=position.pk).first()
            position.refresh_from_db()
            current = _open_version(position)
            problems = _spec_problems(spec) + _period_problems(valid_from, None)
            if position.valid_to is not None and (
                valid_from is None or valid_from > position.valid_to
            ):
                problems.append(
                    Problem(
                        "position_ended",
                        f"Vị trí việc làm đã kết thúc ngày {vn(position.valid_to)}: "
                        "không thể sửa từ sau ngày đó.",
                        "valid_from",
                    )
                )
            elif (
                current is not None and valid_from is not None and valid_from <= current.valid_from
            ):
                problems.append(
                    Problem(
                        "not_after_current",
                        "Ngày áp dụng phải sau ngày bắt đầu của mô tả đang áp dụng "
                        f"({vn(current.valid_from)}).",
                        "valid_from",
                    )
                )
            if problems:
                raise ValidationFailed(problems)
            assert valid_from is not None and current is not None
            end = current.valid_to
            current.valid_to = valid_from - timedelta(days=1)
            current.save(update_fields=["valid_to"])
            values = spec.values()
            version = _version(position, values, valid_from, end, _username(acting_user))
            changed = sorted(k for k, v in values.items() if getattr(current, k) != v)
            for name, value in values.items():
                setattr(position, name, value)
            position.save(update_fields=list(values))
            _record_position(
                acting_user, "change", position, valid_from=valid_from.isoformat(), changed=changed
            )
            return version
    except ValidationFailed as error:
        raise _refuse(
            acting_user, AuditAction.JOB_POSITION_CHANGE, error.problems, described
        ) from None


def job_position_end(
    *,
    acting_user: Any,
    position: JobPosition | None,
    valid_to: date | None,
    legal_basis: str,
) -> JobPosition:
    """End `position` on `valid_to` (inclusive): its last version and the position close then;
    its history and the people's rows naming it stay."""
    described = _described("end", position)
    if position is None or not may_keep_staffing(acting_user, position.organization):
        raise _deny(acting_user, AuditAction.JOB_POSITION_CHANGE, described)
    try:
        with transaction.atomic():
            JobPosition.objects.select_for_update().filter(pk=position.pk).first()
            position.refresh_from_db()
            current = _open_version(position)
            problems = []
            if valid_to is None:
                problems.append(
                    Problem("valid_to_required", "Hãy nhập ngày kết thúc (dd/mm/yyyy).", "valid_to")
                )
            elif position.valid_to is not None:
                problems.append(
                    Problem(
                        "already_ended",
                        f"Vị trí việc làm đã kết thúc ngày {vn(position.valid_to)}.",
                        "valid_to",
                    )
                )
            elif current is not None and valid_to < current.valid_from:
                problems.append(
                    Problem(
                        "period_reversed",
                        f"Ngày kết thúc {vn(valid_to)} ở trước ngày bắt đầu của mô tả đang áp dụng "
                        f"({vn(current.valid_from)}).",
                        "valid_to",
                    )
                )
            if not legal_basis.strip():
                problems.append(
                    Problem(
                        "legal_basis_required",
                        "Hãy ghi văn bản quyết định kết thúc vị trí việc làm.",
                        "legal_basis",
                    )
                )
            if problems:
                raise ValidationFailed(problems)
            assert valid_to is not None
            if current is not None:
                current.valid_to = valid_to
                current.save(update_fields=["valid_to"])
            position.valid_to = valid_to
            position.ended_basis = legal_basis.strip()
            position.save(update_fields=["valid_to", "ended_basis"])
            _record_position(
                acting_user,
                "end",
                position,
                valid_to=valid_to.isoformat(),
                legal_basis=legal_basis.strip(),
            )
            return position
    except ValidationFailed as error:
        raise _refuse(
            acting_user, AuditAction.JOB_POSITION_CHANGE, error.problems, described
        ) from None
