"""What every eligibility rule shares: the rule as the catalog gives it, the reason it returns,
the verdict of all of them, and reading dates from plain dossier data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

Data = dict[str, Any]


@dataclass(frozen=True)
class Reason:
    """One rule applied to the dossier."""

    rule: str
    label: str
    citation: str
    passed: bool
    facts: dict
    until: date | None
    message: str


@dataclass(frozen=True)
class Verdict:
    personal_id: str
    action: str
    on: date
    position: str | None
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        """Every rule passed; and some rule was in force, so a date before every rule is no
        free pass."""
        return bool(self.reasons) and all(r.passed for r in self.reasons)

    @property
    def refused(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.passed)

    def reasons_data(self) -> list[dict]:
        """The reasons as JSON data (`until` ISO), the form a procedure step stores and shows."""
        return [
            {
                "rule": r.rule,
                "label": r.label,
                "citation": r.citation,
                "passed": r.passed,
                "facts": r.facts,
                "until": r.until.isoformat() if r.until else None,
                "message": r.message,
            }
            for r in self.reasons
        ]


@dataclass(frozen=True)
class Rule:
    """An entry of the `eligibility_rule` catalog in force on the date asked."""

    code: str
    label: str
    citation: str
    attrs: dict


def day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def reason(rule: Rule, passed: bool, message: str, facts: dict, until: date | None = None):
    return Reason(rule.code, rule.label, rule.citation, passed, facts, until, message)


def rows(data: Data, section: str) -> list[dict[str, Any]]:
    return [r for r in data.get(section) or [] if isinstance(r, dict)]
