"""Operations of a change set on a dossier's plain data (pure, no ORM).

{"op": "create", "data": {...whole dossier...}}
{"op": "set", "section": "identity", "values": {"phone": "…"}}
{"op": "add", "section": "training", "row": {...}}
{"op": "correct", "section": "training", "index": 0, "row": {...fields to change...}}
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from hoso.core.errors import Problem, ValidationFailed
from hoso.people.sections import BY_KEY


def _fail(message: str, where: str = "operations") -> ValidationFailed:
    return ValidationFailed([Problem("bad_operation", message, where)])


def apply_operations(
    data: dict[str, Any] | None, operations: list[dict[str, Any]]
) -> dict[str, Any]:
    """The dossier after the operations; `data` is left untouched."""
    if not isinstance(operations, list) or not operations:
        raise _fail("Cần ít nhất một thay đổi.")
    result = copy.deepcopy(data) if data is not None else None
    for index, op in enumerate(operations):
        where = f"operations[{index}]"
        kind = op.get("op") if isinstance(op, dict) else None
        if kind == "create":
            if result is not None or index != 0:
                raise _fail("Chỉ tạo hồ sơ mới khi chưa có hồ sơ.", where)
            result = copy.deepcopy(op.get("data") or {})
            continue
        if result is None:
            raise _fail("Hồ sơ chưa có: thay đổi đầu tiên phải là tạo hồ sơ.", where)
        section = BY_KEY.get(str(op.get("section")))
        if section is None:
            raise _fail(f"Không có mục «{op.get('section')}».", where)
        if kind == "set":
            values = op.get("values") or {}
            unknown = [k for k in values if k not in section.fields]
            if section.many or unknown or not values:
                raise _fail(f"Mục «{section.title}» không nhận các trường này: {unknown}.", where)
            if section.key == "identity" and "personal_id" in values:
                raise _fail("Không sửa số định danh bằng thay đổi thường.", where)
            result[section.key] = {**(result.get(section.key) or {}), **values}
        elif kind == "add":
            if not section.many or not isinstance(op.get("row"), dict):
                raise _fail(f"Mục «{section.title}» không thêm dòng được.", where)
            result[section.key] = [*(result.get(section.key) or []), dict(op["row"])]
        elif kind == "correct":
            rows = result.get(section.key) or []
            at = op.get("index")
            if not section.many or not isinstance(at, int) or not 0 <= at < len(rows):
                raise _fail(f"Không có dòng số {at} trong mục «{section.title}».", where)
            changes = op.get("row") or {}
            unknown = [k for k in changes if k not in section.fields]
            if unknown:
                raise _fail(f"Trường không có trong mục «{section.title}»: {unknown}.", where)
            rows = list(rows)
            rows[at] = {**rows[at], **changes}
            result[section.key] = rows
        else:
            raise _fail(f"Loại thay đổi «{kind}» không có.", where)
    return result


def touched_sections(operations: list[dict[str, Any]]) -> list[str]:
    keys: list[str] = []
    for op in operations:
        names = list(BY_KEY) if op.get("op") == "create" else [str(op.get("section"))]
        keys += [k for k in names if k not in keys]
    return keys


@dataclass(frozen=True)
class FieldChange:
    section: str
    row: int | None
    field: str
    before: Any
    after: Any


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """Field by field, what differs between two versions of a dossier."""
    before = before or {}
    out: list[FieldChange] = []
    for key, section in BY_KEY.items():
        old, new = before.get(key), after.get(key)
        if section.many:
            old_rows, new_rows = old or [], new or []
            for i in range(max(len(old_rows), len(new_rows))):
                a = old_rows[i] if i < len(old_rows) else {}
                b = new_rows[i] if i < len(new_rows) else {}
                out += [
                    FieldChange(key, i, f, a.get(f), b.get(f))
                    for f in section.fields
                    if _norm(a.get(f)) != _norm(b.get(f))
                ]
        else:
            a, b = old or {}, new or {}
            out += [
                FieldChange(key, None, f, a.get(f), b.get(f))
                for f in section.fields
                if _norm(a.get(f)) != _norm(b.get(f))
            ]
    return out


def _norm(value: Any) -> Any:
    if value in (None, ""):
        return None
    return str(value) if not isinstance(value, (bool, list, dict)) else value
