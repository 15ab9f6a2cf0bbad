"""Registering a decision asks the one eligibility engine (R-APPOINT-SAFE, issue 12 item 3).

A decision type the engine judges (`ACTION_OF`) is refused when the engine's verdict on the
dossier, as of the effective date, refuses it: every refused rule becomes a problem with the
rule's message and citation, under a stable code. The rules themselves — which actions each
applies to, its months, its legal basis — are entries of the `eligibility_rule` catalog,
written once in `hoso.eligibility`; nothing here repeats them. A type the engine does not
judge is refused only by the engine's in-service rule (`engine.service_reason`), unless it is
one a former employee may still receive (`ALLOWED_AFTER_SERVICE`).

The preview shows the same verdict (`verdicts`), with the one rule that is the effect's own:
the early-raise limit, whose refusals come from `effects.salary`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from hoso.catalog.selectors import attrs_of, codes
from hoso.core.errors import Problem, ValidationFailed
from hoso.eligibility import engine

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# The decision types the eligibility engine judges, and as which action (issue 12 item 3).
ACTION_OF: dict[str, str] = {
    "appointment": "appointment",
    "election": "appointment",
    "reappointment": "reappointment",
    "salary_raise_regular": "salary_raise",
    "salary_raise_early": "salary_raise_early",
    "training": "training",
    "fostering": "training",
    "planning": "planning",
    "rank_change": "rank_change",
}

# Allowed when the person no longer works (retired, resigned, dismissed): an award or an
# evaluation for past service, a conclusion on their history, a discipline for past acts,
# the record of their death.
ALLOWED_AFTER_SERVICE = frozenset(
    {"reward", "evaluation", "personal_conclusion", "discipline", "death"}
)

# Refusal codes clients already know; every other rule refuses as `ineligible_<rule>`, the
# code a procedure step uses too.
REFUSAL_CODES = {
    "in_service": "not_working",
    "discipline_restriction": "under_discipline",
    "salary_step_time": "too_early",
}
NOT_ELIGIBLE = "Người này chưa đủ điều kiện; không áp dụng được quyết định."


def refusal_code(rule: str) -> str:
    return REFUSAL_CODES.get(rule, f"ineligible_{rule}")


def position_of(params: Any) -> str | None:
    """The post a decision names (`position_code`), when it is a known one."""
    value = params.get("position_code") if isinstance(params, dict) else None
    return value if isinstance(value, str) and value in codes("position") else None


def engine_verdict(
    decision_type: str, personal_id: str, data: dict, on: date, position: str | None = None
) -> engine.Verdict | None:
    """The eligibility engine's verdict on the dossier `data` (already read by the change
    path) for the action the decision type is, or None when the engine does not judge it."""
    action = ACTION_OF.get(decision_type)
    if not action:
        return None
    return engine.evaluate_data(personal_id, data, action, on, position=position)


def _service_reasons(decision_type: str, data: dict, on: date) -> tuple[engine.Reason, ...]:
    """For a type the engine does not judge: its in-service rule, unless a former employee may
    still receive the type."""
    if decision_type in ALLOWED_AFTER_SERVICE:
        return ()
    found = engine.service_reason(data, on)
    return (found,) if found else ()


def eligibility_check(decision: PersonnelDecision, data: dict, params: Any) -> None:
    """Refuse the decision, with every reason of the engine, when the person may not receive
    it on its effective date. No override: the verdict says until when."""
    code, on = decision.decision_type, decision.effective_date
    verdict = engine_verdict(code, decision.personal_id, data, on, position_of(params))
    refused = (
        verdict.refused
        if verdict
        else [r for r in _service_reasons(code, data, on) if not r.passed]
    )
    if refused:
        raise ValidationFailed([_problem(r) for r in refused], NOT_ELIGIBLE)


def _problem(reason: engine.Reason) -> Problem:
    field = "personal_id" if reason.rule == "in_service" else "effective_date"
    code = refusal_code(reason.rule)
    if reason.facts.get("last_step"):  # no step to raise to: the seniority allowance applies
        code = "last_step"
    return Problem(code, f"{reason.message} Căn cứ: {reason.citation}.", field)


# --- What the preview shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    code: str
    label: str
    passed: bool
    reason: str
    legal_basis: str


# The effect's own rule: the limit of an early raise (its refusals come from `effects.salary`).
EARLY_RAISE_REFUSALS = frozenset(
    {"too_early", "not_early", "early_twice", "no_early_limit", "last_step", "not_after_current"}
)


def _early_raise_basis() -> str:
    return str(attrs_of("decision_type", "salary_raise_early").get("early_raise_legal_basis", ""))


def verdicts(
    decision_type: str,
    refusals: Iterable[Problem],
    verdict: engine.Verdict | None,
    data: dict,
    on: date,
) -> list[Verdict]:
    """Each rule that applies to `decision_type`: the engine's reasons (its in-service rule for
    a type it does not judge), then for an early raise the early-raise limit, passed unless one
    of `refusals` (the effect's problems) is its own."""
    reasons = verdict.reasons if verdict else _service_reasons(decision_type, data, on)
    out = [
        Verdict(r.rule, r.label, r.passed, "" if r.passed else r.message, r.citation)
        for r in reasons
    ]
    if decision_type == "salary_raise_early":
        own = [p for p in refusals if p.code in EARLY_RAISE_REFUSALS]
        out.append(
            Verdict(
                "early_raise_limit",
                "Giới hạn nâng bậc lương trước thời hạn",
                not own,
                "; ".join(p.message for p in own),
                _early_raise_basis(),
            )
        )
    return out
