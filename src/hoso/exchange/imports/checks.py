"""The checks of one parsed dossier, each problem located at its cell (or JSON line).

The dossier's own rules are `people.validation` (identity check of the personal id, dates,
ordered periods, catalog codes, units), asked by the write path for a whole chunk
(`changes.services.creations`); here are those of an import — the reading problems, a
personal id twice in the files — and where each refusal is shown.
"""

from __future__ import annotations

import re
from typing import Any

from hoso.core.errors import Problem
from hoso.exchange.imports.readers import Issue, Parsed

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


def dossier_issues(parsed: Parsed, *, duplicates: frozenset[str] | set[str]) -> list[Issue]:
    """The problems of reading it and of an id twice in the files; the dossier's own rules
    come with the write path's refusals (`refusal_issues`)."""
    issues = list(parsed.issues)
    pid = parsed.personal_id
    if pid and pid in duplicates and not any(i.code == "duplicate_in_file" for i in issues):
        issues.append(
            _issue(
                parsed,
                "identity.personal_id",
                "duplicate_in_file",
                f"Số định danh {pid} xuất hiện nhiều lần trong các tệp nhập.",
            )
        )
    return issues


def refusal_issues(parsed: Parsed, problems: list[Problem]) -> list[Issue]:
    """Why the write path would refuse it (`changes.services.creations`), at its cells."""
    pid = parsed.personal_id
    out = []
    for problem in problems:
        if problem.code == "dossier_exists":
            out.append(
                _issue(
                    parsed,
                    "identity.personal_id",
                    "already_managed",
                    f"Số định danh {pid} đã có hồ sơ trên hệ thống (đang được quản lý); "
                    "không nhập đè, hãy cập nhật bằng đề xuất thay đổi.",
                )
            )
        elif problem.code == "creation_pending":
            out.append(
                _issue(
                    parsed,
                    "identity.personal_id",
                    "creation_pending",
                    f"Số định danh {pid} đang có đề xuất tạo hồ sơ khác chờ phê duyệt.",
                )
            )
        elif problem.code == "not_assigned":
            out.append(
                _issue(
                    parsed,
                    "employment.current_unit",
                    "not_assigned",
                    "Bạn không được giao cập nhật hồ sơ của đơn vị này.",
                )
            )
        else:
            out.append(_issue(parsed, problem.field, problem.code, problem.message))
    return out
