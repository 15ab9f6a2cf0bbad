"""The checks of one parsed dossier, each problem located at its cell (or JSON line).

The dossier's own rules are `people.validation` (identity check of the personal id, dates,
ordered periods, catalog codes, units); here are those of an import: the reading problems, a
personal id twice in the files, a dossier already managed on this node.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hoso.exchange.imports.readers import Issue, Parsed
from hoso.people.validation import Reference, validate_dossier

_INDEX = re.compile(r"\[\d+\]")


def _issue(parsed: Parsed, where: str, code: str, message: str) -> Issue:
    origin = parsed.origin.get(where)
    if origin is None and "*" in parsed.origin:  # JSON lines: the line, the field's path
        sheet, row, _ = parsed.origin["*"]
        return Issue(
            parsed.file,
            sheet,
            row,
            where,
            _value(parsed.data, where),
            code,
            message,
            parsed.personal_id,
        )
    if origin is None:  # a field left empty: the row of its section, or the identity row
        section = where.split(".", 1)[0]
        origin = next(
            (o for k, o in parsed.origin.items() if k.split(".", 1)[0] == section), None
        ) or next(iter(parsed.origin.values()), ("", None, ""))
        origin = (origin[0], origin[1], where)
    sheet, row, column = origin
    return Issue(
        parsed.file,
        sheet,
        row,
        column,
        _value(parsed.data, where),
        code,
        message,
        parsed.personal_id,
    )


def _value(data: dict[str, Any], where: str) -> str:
    """The value at "section[i].field" / "section.field" as text ("" when absent)."""
    head, _, name = where.partition(".")
    section, _, index = head.partition("[")
    value: Any = data.get(section)
    if index and isinstance(value, list):
        at = int(index.rstrip("]"))
        value = value[at] if at < len(value) else None
    if isinstance(value, dict):
        found = value.get(name)
        return "" if found is None else str(found)
    return ""


def dossier_issues(
    parsed: Parsed, *, ref: Reference, today: date, duplicates: set[str], managed: bool
) -> list[Issue]:
    issues = list(parsed.issues)
    if not parsed.personal_id:
        return issues
    for problem in validate_dossier(parsed.data, ref=ref, today=today):
        issues.append(_issue(parsed, problem.field, problem.code, problem.message))
    pid = parsed.personal_id
    if pid in duplicates and not any(i.code == "duplicate_in_file" for i in issues):
        issues.append(
            _issue(
                parsed,
                "identity.personal_id",
                "duplicate_in_file",
                f"Số định danh {pid} xuất hiện nhiều lần trong các tệp nhập.",
            )
        )
    if managed:
        issues.append(
            _issue(
                parsed,
                "identity.personal_id",
                "already_managed",
                f"Số định danh {pid} đã có hồ sơ trên hệ thống (đang được quản lý); "
                "không nhập đè, hãy cập nhật bằng đề xuất thay đổi.",
            )
        )
    return issues
