"""Operations of a change set on a dossier's plain data (pure, no ORM).

{"op": "create", "data": {...whole dossier...}}
{"op": "set", "section": "identity", "values": {"phone": "…"}}
{"op": "add", "section": "training", "row": {...}}
{"op": "correct", "section": "training", "index": 0, "row": {...fields to change...}}
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
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
            data = op.get("data") or {}
            _check_shape(data, where)
            result = copy.deepcopy(data)
            continue
        if result is None:
            raise _fail("Hồ sơ chưa có: thay đổi đầu tiên phải là tạo hồ sơ.", where)
        section = BY_KEY.get(str(op.get("section")))
        if section is None:
            raise _fail(f"Không có mục «{op.get('section')}».", where)
        if kind == "set":
            values = op.get("values") or {}
            _check_values(values, section.title, where)
            unknown = [k for k in values if k not in section.fields]
            if section.many or unknown or not values:
                raise _fail(f"Mục «{section.title}» không nhận các trường này: {unknown}.", where)
            if section.key == "identity" and "personal_id" in values:
                raise _fail("Không sửa số định danh bằng thay đổi thường.", where)
            result[section.key] = {**(result.get(section.key) or {}), **values}
        elif kind == "add":
            if not section.many or not isinstance(op.get("row"), dict):
                raise _fail(f"Mục «{section.title}» không thêm dòng được.", where)
            _check_values(op["row"], section.title, where)
            result[section.key] = [*(result.get(section.key) or []), dict(op["row"])]
        elif kind == "correct":
            rows = result.get(section.key) or []
            at = op.get("index")
            if not section.many or not isinstance(at, int) or not 0 <= at < len(rows):
                raise _fail(f"Không có dòng số {at} trong mục «{section.title}».", where)
            changes = op.get("row") or {}
            _check_values(changes, section.title, where)
            unknown = [k for k in changes if k not in section.fields]
            if unknown:
                raise _fail(f"Trường không có trong mục «{section.title}»: {unknown}.", where)
            rows = list(rows)
            rows[at] = {**rows[at], **changes}
            result[section.key] = rows
        else:
            raise _fail(f"Loại thay đổi «{kind}» không có.", where)
    return result


SCALARS = (str, int, float, bool, type(None))


def _check_values(values: Any, title: str, where: str) -> None:
    """A row or a section's values: field names to plain values (text, numbers, yes/no)."""
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, SCALARS) for k, v in values.items()
    ):
        raise _fail(f"Giá trị của mục «{title}» phải là các trường có giá trị đơn.", where)


def created(data: Any) -> dict[str, Any]:
    """The dossier a lone "create" operation makes — `apply_operations(None, [create])`
    without its copy, for a caller that owns `data` and does not change it (a chunk of an
    import checks thousands)."""
    _check_shape(data, "operations[0]")
    return data


def _check_shape(data: Any, where: str) -> None:
    """A whole dossier to create: each section an object (a list of objects for a history
    section) of plain values, and nothing but the sections of the registry."""
    if not isinstance(data, dict):
        raise _fail("Hồ sơ mới phải là một đối tượng gồm các mục.", where)
    for key, value in data.items():
        section = BY_KEY.get(str(key))
        if section is None:
            raise _fail(f"Không có mục «{key}».", where)
        if value is None:
            continue
        if section.many:
            if not isinstance(value, list):
                raise _fail(f"Mục «{section.title}» phải là một danh sách các dòng.", where)
            for row in value:
                _check_values(row, section.title, where)
        else:
            _check_values(value, section.title, where)


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
    # The whole row the change is in (after the change; before it when removed), so a page
    # can name the row by its content: its index differs between a proposal and the version.
    row_values: dict[str, Any] | None = field(default=None, compare=False)


def _pairs(old_rows: list[dict], new_rows: list[dict], fields: tuple[str, ...]) -> list:
    """Rows of two versions paired for comparison: a row found unchanged in both is the same
    row wherever it stands (approval stores a section in its own order, a proposal appends);
    the rest pair in order, extra ones as added or removed."""

    def key(row: dict) -> tuple:
        return tuple(_norm(row.get(f)) for f in fields)

    unmatched = list(range(len(new_rows)))
    left: list[int] = []
    for i, row in enumerate(old_rows):
        same = next((j for j in unmatched if key(new_rows[j]) == key(row)), None)
        if same is None:
            left.append(i)
        else:
            unmatched.remove(same)
    pairs = list(zip(left, unmatched, strict=False))
    pairs += [(i, None) for i in left[len(unmatched) :]]
    pairs += [(None, j) for j in unmatched[len(left) :]]
    return pairs


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """Field by field, what differs between two versions of a dossier."""
    before = before or {}
    out: list[FieldChange] = []
    for key, section in BY_KEY.items():
        old, new = before.get(key), after.get(key)
        if section.many:
            old_rows, new_rows = old or [], new or []
            for i, j in _pairs(old_rows, new_rows, section.fields):
                a = old_rows[i] if i is not None else {}
                b = new_rows[j] if j is not None else {}
                out += [
                    FieldChange(key, j if j is not None else i, f, a.get(f), b.get(f), b or a)
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


# --- Editing a draft section by section (the entry pages and the employee's requests) ---------


def _creation(operations: list[dict[str, Any]]) -> dict[str, Any] | None:
    first = operations[0] if operations else None
    return first.get("data") if isinstance(first, dict) and first.get("op") == "create" else None


def section_edited(
    operations: list[dict[str, Any]],
    *,
    base: dict[str, Any] | None,
    section: str,
    values: dict[str, Any],
    row: int | None = None,
    remove: bool = False,
) -> list[dict[str, Any]]:
    """The operations of a draft after one section's form was saved; `operations` untouched.

    A new dossier (`base` None) is one "create" whose data the form writes into. On an
    existing dossier `base` is the dossier as the writer sees it: a single section becomes
    one "set" of the fields that differ from it; a history row is added ("add", `row` None),
    corrected ("correct" of the fields that differ from the row, `row` its index: ending a
    period is correcting its end), or — only a row the draft added — removed. A row of the
    dossier is never removed: what was there is kept, corrected or ended.
    """
    spec = BY_KEY[section]
    ops = copy.deepcopy(operations)
    values = {k: v for k, v in values.items() if k in spec.fields}
    if base is None:
        data = _creation(ops)
        if data is None:
            data = {}
            ops = [{"op": "create", "data": data}, *ops]
        if not spec.many:
            data[section] = {**(data.get(section) or {}), **values}
            return ops
        rows = list(data.get(section) or [])
        if row is None:
            rows.append(values)
        elif not 0 <= row < len(rows):
            raise _fail(f"Không có dòng số {row + 1} trong mục «{spec.title}».")
        elif remove:
            rows.pop(row)
        else:
            rows[row] = {**rows[row], **values}
        data[section] = rows
        return ops
    if not spec.many:
        current = base.get(section) or {}
        changed = {k: v for k, v in values.items() if _norm(v) != _norm(current.get(k))}
        ops = [o for o in ops if not (o.get("op") == "set" and o.get("section") == section)]
        return ops + ([{"op": "set", "section": section, "values": changed}] if changed else [])
    kept = list(base.get(section) or [])
    if row is None:
        return ops + [{"op": "add", "section": section, "row": values}]
    if 0 <= row < len(kept):
        if remove:
            raise _fail(f"Không xóa dòng đã có của mục «{spec.title}»: hãy sửa hoặc kết thúc nó.")
        changed = {k: v for k, v in values.items() if _norm(v) != _norm(kept[row].get(k))}
        ops = [
            o
            for o in ops
            if not (
                o.get("op") == "correct" and o.get("section") == section and o.get("index") == row
            )
        ]
        return ops + (
            [{"op": "correct", "section": section, "index": row, "row": changed}] if changed else []
        )
    added = [i for i, o in enumerate(ops) if o.get("op") == "add" and o.get("section") == section]
    at = row - len(kept)
    if not 0 <= at < len(added):
        raise _fail(f"Không có dòng số {row + 1} trong mục «{spec.title}».")
    if remove:
        return [o for i, o in enumerate(ops) if i != added[at]]
    ops[added[at]]["row"] = {**ops[added[at]]["row"], **values}
    return ops


def rows_kept(base: dict[str, Any] | None, section: str) -> int:
    """How many rows of `section` the dossier already has (rows from there on are the
    draft's own additions)."""
    return len((base or {}).get(section) or []) if base is not None else 0
