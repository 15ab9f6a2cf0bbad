"""Succession planning (quy hoạch, R-ONLINE-100; issue 12) as two procedure types: `planning`
puts a person in the planning of a term for a post, `planning_removal` takes them out with the
reason. Their steps are catalog data (`procedure_type`); this is what data alone cannot say:

- the term is one of the `planning_term` catalog, not over, and a person is planned for no
  more posts in a term than its `max_posts_per_person` (Quy định 50-QĐ/TW, to be checked);
- an addition is for a post the person is not already planned for in that term, a removal for
  one they are, with its reason; one such procedure runs at a time per person and post;
- the same holds again at the decision (the dossier may have changed meanwhile).

Eligibility (`action=planning`: service, discipline period, sentences, reviews) is the one
engine's, asked by the proposal and the decision steps (their catalog `eligibility`); the
decision itself (`planning` with its term, `planning_removal`) changes the dossier's
`planning` section through the decision path (`changes.effects.training`). The list of a term
(`planning_list`) is read through the reader's gate and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hoso.access import policies, recorder
from hoso.access.duties import active_assignments
from hoso.access.models import User
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import attrs_of, codes, entries, name_of
from hoso.core.dates import today as local_today
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.selectors import org_get, org_list
from hoso.people.selectors import people_of_unit
from hoso.procedures.definitions import StepDef, TypeDef
from hoso.procedures.models import Procedure, ProcedureState

TERMS = "planning_term"
ADDITION = "planning"
REMOVAL = "planning_removal"


def _decision(params: dict[str, Any]) -> dict[str, Any]:
    value = params.get("decision")
    return value if isinstance(value, dict) else {}


def _open_rows(access: policies.DossierAccess) -> list[dict[str, Any]]:
    """The person's plannings not ended, as far as the reader may see them."""
    rows = access.content().get("planning") or []
    return [r for r in rows if not r.get("to_date")]


def _post_problem(position: Any) -> list[Problem]:
    if isinstance(position, str) and position in codes("position"):
        return []
    return [
        Problem(
            "planning_position_unknown",
            "Cần chọn chức vụ được quy hoạch (params.decision.position_code) trong danh mục.",
            "params.decision.position_code",
        )
    ]


def _term_problem(term: Any, today: date) -> list[Problem]:
    """A term of the catalog whose last year has not passed."""
    if not isinstance(term, str) or term not in codes(TERMS):
        known = ", ".join(sorted(codes(TERMS)))
        return [
            Problem(
                "planning_term_unknown",
                f"Cần ghi nhiệm kỳ quy hoạch (params.decision.term) trong danh mục: {known}.",
                "params.decision.term",
            )
        ]
    if int(attrs_of(TERMS, term)["to_year"]) < today.year:
        return [
            Problem(
                "planning_term_over",
                f"Nhiệm kỳ {term} đã kết thúc; không bổ sung quy hoạch cho nhiệm kỳ này.",
                "params.decision.term",
            )
        ]
    return []


def _membership_problems(
    procedure_type: str, access: policies.DossierAccess, decision: dict[str, Any]
) -> list[Problem]:
    """An addition: not yet planned for the post in the term, and under the term's limit of
    posts; a removal: planned for the post now."""
    post, term = decision.get("position_code"), decision.get("term")
    rows = _open_rows(access)
    post_name = name_of("position", post)
    if procedure_type == REMOVAL:
        if any(r.get("position_code") == post for r in rows):
            return []
        return [
            Problem(
                "planning_not_member",
                f"Người này không có trong quy hoạch chức vụ {post_name}; không có gì để đưa ra.",
                "params.decision.position_code",
            )
        ]
    in_term = [r for r in rows if r.get("term") == term]
    if any(r.get("position_code") == post for r in in_term):
        return [
            Problem(
                "planning_already_member",
                f"Người này đã có trong quy hoạch chức vụ {post_name} nhiệm kỳ {term}.",
                "params.decision.position_code",
            )
        ]
    limit = int(attrs_of(TERMS, str(term)).get("max_posts_per_person") or 0)
    if limit and len(in_term) >= limit:
        return [
            Problem(
                "planning_too_many_posts",
                f"Người này đã được quy hoạch {len(in_term)} chức danh trong nhiệm kỳ {term}; "
                f"mỗi người không quá {limit} chức danh (Quy định số 50-QĐ/TW).",
                "params.decision.position_code",
            )
        ]
    return []


def _start_problems(
    procedure_type: str, access: policies.DossierAccess, params: dict[str, Any], today: date
) -> list[Problem]:
    """The post, the term of an addition, the reason of a removal, no such procedure running
    for the person and post, and the membership rules above."""
    decision = _decision(params)
    post = decision.get("position_code")
    problems = _post_problem(post)
    if procedure_type == ADDITION:
        problems += _term_problem(decision.get("term"), today)
    elif not str(decision.get("removal_reason") or "").strip():
        problems.append(
            Problem(
                "planning_reason_required",
                "Cần ghi lý do đưa ra khỏi quy hoạch (params.decision.removal_reason).",
                "params.decision.removal_reason",
            )
        )
    if problems:
        return problems
    running = Procedure.objects.filter(
        procedure_type=procedure_type,
        personal_id=access.person.personal_id,
        state=ProcedureState.RUNNING,
        params__decision__position_code=post,
    )
    if running.exists():
        return [
            Problem(
                "planning_running",
                f"Đang có quy trình «{name_of('procedure_type', procedure_type)}» chức vụ "
                f"{name_of('position', post)} cho người này; không mở thêm.",
                "params.decision.position_code",
            )
        ]
    return _membership_problems(procedure_type, access, decision)


def step_problems(
    procedure: Procedure,
    definition: TypeDef,
    step: StepDef,
    access: policies.DossierAccess,
    data: dict[str, Any],
) -> list[Problem]:
    """At the decision the membership rules hold still."""
    if not step.issues_decision:
        return []
    return _membership_problems(definition.code, access, _decision(procedure.params))


def decision_parameters(
    procedure: Procedure, definition: TypeDef, access: policies.DossierAccess, data: dict[str, Any]
) -> dict[str, Any]:
    return dict(_decision(procedure.params))


@dataclass(frozen=True)
class Checks:
    """The checks of one of the two types, as `procedures.services.SERVICES` asks them."""

    procedure_type: str

    def start_problems(
        self, access: policies.DossierAccess, params: dict[str, Any], today: date
    ) -> list[Problem]:
        return _start_problems(self.procedure_type, access, params, today)

    step_problems = staticmethod(step_problems)
    decision_parameters = staticmethod(decision_parameters)


ADDITION_CHECKS = Checks(ADDITION)
REMOVAL_CHECKS = Checks(REMOVAL)


# --- The list of a term ---------------------------------------------------------------------


@dataclass
class PlanningEntry:
    """One person's places in the planning of a term: each post, since when, by which
    decision, and, once out, until when and why."""

    personal_id: str
    full_name: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def planning_list(user: User, unit_code: str, term: str) -> list[PlanningEntry]:
    """The working people of unit `unit_code` whom `user` may open and who have a place in the
    planning of `term` (open or ended, with the removal's reason), in name order; the listing
    is audited like every list of people."""
    problems = []
    if term not in codes(TERMS):
        problems.append(
            Problem("planning_term_unknown", f"Không có nhiệm kỳ quy hoạch «{term}».", "term")
        )
    unit = org_get(unit_code)
    if unit is None:
        problems.append(Problem("planning_unit_unknown", f"Không có đơn vị «{unit_code}».", "unit"))
    if problems:
        raise ValidationFailed(problems, "Không lập được danh sách quy hoạch.")
    assert unit is not None
    gate = policies.gate_for(user)
    people = people_of_unit(scope=gate.people_scope(), unit=unit).order_by(
        "sort_key", "personal_id"
    )
    found = []
    for access in gate.access_many(list(people)):
        rows = [r for r in access.content().get("planning") or [] if r.get("term") == term]
        if rows:
            person = access.person
            found.append(PlanningEntry(person.personal_id, person.full_name, rows))
    recorder.listed(
        user,
        query={"unit": unit.code, "term": term},
        shown=[e.personal_id for e in found],
        total=len(found),
        purpose=Purpose.PROPOSE,
    )
    return found


def terms() -> list[tuple[str, str]]:
    """The terms of the catalog (code, name), the latest first."""
    rows = entries(TERMS).values_list("code", "name")
    return sorted(rows, key=lambda r: r[0], reverse=True)


def planning_units(user: User) -> list[tuple[str, str]]:
    """The units (code, name) of the subtrees where `user` holds a duty that reads dossiers:
    the units whose planning list they may ask for (the gate still cuts each person)."""
    roots = [d.organization for d in active_assignments(user) if d.organization]
    seen: dict[str, str] = {}
    for root in roots:
        for org in org_list(on=local_today(), root=root):
            seen.setdefault(org.code, org.name)
    return list(seen.items())
