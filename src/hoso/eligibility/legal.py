"""Rules on the dossier's `legal_records` (issue 12 item 2): a suspended sentence whose
probation runs, a prison sentence or corruption conviction, a disciplinary review or an
investigation not yet concluded. Which record kinds a rule reads is its catalog entry's
`kinds` (codes of `legal_record_kind`); the legal basis is the entry's."""

from __future__ import annotations

from datetime import date
from typing import Any

from hoso.catalog.selectors import name_of
from hoso.core.dates import vn
from hoso.eligibility.base import Data, Reason, Rule, day, iso, reason, rows

SECTION = "legal_records"


def _of_kinds(rule: Rule, data: Data, on: date) -> list[tuple[date, date | None, dict[str, Any]]]:
    """(start, end, row) of the records of the rule's kinds that began on or before `on`."""
    kinds = set(rule.attrs.get("kinds") or [])
    found = []
    for row in rows(data, SECTION):
        start = day(row.get("from_date"))
        if row.get("kind") in kinds and start is not None and start <= on:
            found.append((start, day(row.get("to_date")), row))
    return sorted(found, key=lambda f: f[0])


def _running(rule: Rule, data: Data, on: date):
    return [f for f in _of_kinds(rule, data, on) if f[1] is None or on <= f[1]]


def _fact(start: date, end: date | None, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": row.get("kind"),
        "kind_name": name_of("legal_record_kind", row.get("kind")),
        "from_date": iso(start),
        "to_date": iso(end),
        "authority": row.get("authority") or "",
        "document_number": row.get("document_number") or "",
    }


def _until(found) -> date | None:
    """The last day the block runs: the latest end, or None when one has no end."""
    ends = [end for _start, end, _row in found]
    return None if any(e is None for e in ends) else max(ends)


def suspended_sentence(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """A suspended sentence keeps the person in service but blocks the action while its
    probation runs, through its last day."""
    running = _running(rule, data, on)
    facts = {"records": [_fact(*f) for f in running]}
    if not running:
        return reason(rule, True, "Không có án treo nào đang trong thời gian thử thách.", facts)
    until = _until(running)
    if until is None:
        message = (
            f"Đang chấp hành án treo từ ngày {vn(running[0][0])}, hồ sơ chưa ghi ngày hết "
            "thời gian thử thách: chưa được áp dụng."
        )
    else:
        message = (
            f"Đang trong thời gian thử thách của án treo đến ngày {vn(until)}; "
            "chưa được áp dụng trước ngày đó."
        )
    return reason(rule, False, message, facts, until)


def imprisonment_or_corruption(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """A prison sentence (not suspended) or a corruption conviction ends the service from the
    judgment's effective date: no end to the block."""
    found = _of_kinds(rule, data, on)
    facts = {"records": [_fact(*f) for f in found]}
    if not found:
        return reason(rule, True, "Không có bản án phạt tù hoặc về tội tham nhũng.", facts)
    start, _end, row = found[0]
    what = name_of("legal_record_kind", row.get("kind")).lower()
    return reason(
        rule,
        False,
        f"{what[:1].upper()}{what[1:]} theo bản án có hiệu lực từ ngày {vn(start)}: đương nhiên "
        "thôi việc kể từ ngày đó; không được áp dụng.",
        facts,
    )


def open_review(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """A disciplinary review or an investigation recorded without a conclusion (no end date,
    or one still ahead) blocks the action until it is concluded."""
    running = _running(rule, data, on)
    facts = {"records": [_fact(*f) for f in running]}
    if not running:
        return reason(rule, True, "Không đang bị xem xét kỷ luật hay điều tra.", facts)
    start, _end, row = running[0]
    what = name_of("legal_record_kind", row.get("kind")).lower()
    until = _until(running)
    end = f"đến ngày {vn(until)}" if until else "chưa có kết luận"
    return reason(
        rule,
        False,
        f"{what[:1].upper()}{what[1:]} từ ngày {vn(start)} ({end}): chưa được áp dụng.",
        facts,
        until,
    )
