"""The eligibility rules a decision passes before it is registered, as verdicts to show
(R-APPOINT-SAFE, issue 10 item 3).

The rules themselves live where they are enforced — `operations_for` (in service, discipline
restriction) and the effects (the time in a salary step, the early-raise limit): a decision
they refuse is never proposed. This module names them, says which decision types each
applies to, which refusal codes are its own, and where its legal basis is read in the
catalogs, so the page shows each rule's verdict with its basis before saving. A refusal that
belongs to no rule is the effect's own (e.g. the new unit is the current one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from hoso.catalog.selectors import attrs_of, catalog_get
from hoso.changes.effects import ALLOWED_AFTER_SERVICE, RESTRICTED_BY_DISCIPLINE
from hoso.core.errors import Problem
from hoso.eligibility import engine

# The decision types the eligibility engine judges, and as which action (issue 12 item 3).
ACTION_OF: dict[str, str] = {
    "appointment": "appointment",
    "election": "appointment",
    "reappointment": "reappointment",
    "salary_raise_regular": "salary_raise",
    "salary_raise_early": "salary_raise",
    "training": "training",
    "fostering": "training",
    "planning": "planning",
}


def engine_verdict(
    decision_type: str, personal_id: str, data: dict, on: date
) -> engine.Verdict | None:
    """The eligibility engine's verdict on the dossier `data` (already read by the change
    path) for the action the decision type is, or None when the engine does not judge it."""
    action = ACTION_OF.get(decision_type)
    return engine.evaluate_data(personal_id, data, action, on) if action else None


# The regular raises; an early raise has its own rule (its limit counts from the same time).
REGULAR_RAISES = frozenset({"salary_raise_regular", "seniority_allowance"})


def _catalog_basis(catalog: str) -> Callable[[], str]:
    def basis() -> str:
        found = catalog_get(catalog)
        return found.legal_basis if found else ""

    return basis


def _early_raise_basis() -> str:
    return str(attrs_of("decision_type", "salary_raise_early").get("early_raise_legal_basis", ""))


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    applies: Callable[[str], bool]
    refusals: frozenset[str]
    basis: Callable[[], str]


@dataclass(frozen=True)
class Verdict:
    code: str
    label: str
    passed: bool
    reason: str
    legal_basis: str


def rules() -> tuple[Rule, ...]:
    return (
        Rule(
            "in_service",
            "Người được áp dụng đang công tác",
            lambda code: code not in ALLOWED_AFTER_SERVICE,
            frozenset({"not_working"}),
            _catalog_basis("staff_category"),
        ),
        Rule(
            "discipline_restriction",
            "Không trong thời hạn kỷ luật",
            lambda code: code in RESTRICTED_BY_DISCIPLINE,
            frozenset({"under_discipline"}),
            _catalog_basis("discipline_form"),
        ),
        Rule(
            "salary_step_time",
            "Đủ thời gian giữ bậc lương (kể cả thời gian kéo dài do kỷ luật)",
            lambda code: code in REGULAR_RAISES,
            frozenset({"too_early", "last_step", "not_last_step", "not_after_current"}),
            _catalog_basis("pay_group"),
        ),
        Rule(
            "early_raise_limit",
            "Giới hạn nâng bậc lương trước thời hạn",
            lambda code: code == "salary_raise_early",
            frozenset(
                {"too_early", "not_early", "early_twice", "no_early_limit", "last_step"}
                | {"not_after_current"}
            ),
            _early_raise_basis,
        ),
    )


def verdicts(decision_type: str, refusals: Iterable[Problem]) -> list[Verdict]:
    """Each rule that applies to `decision_type`, passed unless one of `refusals` (the problems
    the effects raised) is its own."""
    refused = list(refusals)
    out = []
    for rule in rules():
        if not rule.applies(decision_type):
            continue
        own = [p for p in refused if p.code in rule.refusals]
        out.append(
            Verdict(
                code=rule.code,
                label=rule.label,
                passed=not own,
                reason="; ".join(p.message for p in own),
                legal_basis=rule.basis(),
            )
        )
    return out
