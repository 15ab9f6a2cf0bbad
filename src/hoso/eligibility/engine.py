"""The one eligibility engine (R-APPOINT-SAFE, issue 12 item 2): may this person be appointed,
reappointed, raised, trained or planned on a date, and why.

Every rule is an entry of the dated catalog `eligibility_rule` (which actions it applies to,
its months, its legal basis); the discipline periods come from `discipline_form` and the
retirement age from `retirement_age`. No number of law is written here. The dossier is read
as of `on` through the system reader (audited as DOSSIER_SYSTEM_READ). There is no override:
a refused reason is shown with its basis, never skipped.

The rules on service, discipline, retirement and time in post are here; those on sentences and
reviews in `legal`, on planning and the post's requirements in `posts`, on salary raises in
`salary`. `CHECKS` names each rule's function, `SECTIONS` the dossier sections it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hoso.access.models import User
from hoso.access.system import system_dossier
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import attrs_map, codes, entries
from hoso.core.dates import vn
from hoso.core.errors import Problem, ValidationFailed
from hoso.eligibility import legal, posts, salary
from hoso.eligibility.base import Data, Reason, Rule, Verdict, day, reason
from hoso.people.models import Person, StaffStatus
from hoso.rules.retirement import retirement, rules_from
from hoso.rules.salary_steps import add_months

# The actions of the API (issue 12) and the two a decision type adds: an early raise (no step
# time, its own limit in the effect) and a rank change (barred by a running discipline).
ACTIONS = (
    "appointment",
    "reappointment",
    "salary_raise",
    "training",
    "planning",
    "salary_raise_early",
    "rank_change",
)
RULE_CATALOG = "eligibility_rule"

__all__ = ["ACTIONS", "Data", "Reason", "Verdict", "evaluate", "evaluate_data"]


def _rules_on(on: date) -> dict[str, Rule]:
    """The rules in force on `on` (the latest version of each code), in the catalog's order:
    the order the reasons are given in, whatever the dates of the entries."""
    rows = list(entries(RULE_CATALOG, on=on))
    latest = {r.code: r for r in sorted(rows, key=lambda r: r.valid_from or date.min)}
    place = {r.code: r.sort_order for r in reversed(rows)}
    found: dict[str, Rule] = {}
    for code in sorted(latest, key=lambda c: place[c]):
        attrs = dict(latest[code].attrs)
        found[code] = Rule(code, latest[code].name, str(attrs.get("legal_basis", "")), attrs)
    return found


# --- The rules ------------------------------------------------------------------------------------


def service_status(data: Data) -> tuple[bool, str, str]:
    """(working, status code, its label in lower case) of a dossier; the one test of being in
    service, also asked by the change path for decision types no action covers."""
    status = (data.get("employment") or {}).get("status") or StaffStatus.WORKING
    label = StaffStatus(status).label.lower() if status in StaffStatus.values else status
    return status == StaffStatus.WORKING, status, label


def in_service(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    working, status, label = service_status(data)
    facts = {"status": status}
    if working:
        return reason(rule, True, "Đang công tác.", facts)
    return reason(rule, False, f"Người này không còn công tác ({label}).", facts)


def _form_on(code: str, start: date) -> tuple[str, dict[str, Any]]:
    """(name, attrs) of the discipline form in force when the discipline took effect."""
    row = entries("discipline_form", on=start).filter(code=code).order_by("-valid_from").first()
    row = row or entries("discipline_form").filter(code=code).order_by("-valid_from").first()
    return (row.name, dict(row.attrs)) if row else (code, {})


def running_disciplines(data: Data, on: date) -> list[dict[str, Any]]:
    """The disciplines whose restriction period covers `on`, as facts. A row without an end
    date gets the period of its form (`discipline_form.restriction_months` from its start),
    so an imported dossier without `effect_to` is not "clean"."""
    running = []
    for row in data.get("discipline") or []:
        start = day(row.get("effect_from"))
        if start is None or start > on:
            continue
        form = str(row.get("form_code") or "")
        name, attrs = _form_on(form, start)
        end = day(row.get("effect_to"))
        months = attrs.get("restriction_months")
        if end is None and months:
            end = add_months(start, int(months))
        if end is not None and on <= end:
            running.append(
                {
                    "form_code": form,
                    "form_name": name,
                    "decision_number": row.get("decision_number") or "",
                    "effect_from": start.isoformat(),
                    "effect_to": end.isoformat(),
                    "restriction_months": months,
                }
            )
    return running


def discipline_restriction(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    running = running_disciplines(data, on)
    facts = {"disciplines": running}
    if not running:
        return reason(rule, True, "Không có kỷ luật nào còn trong thời hạn.", facts)
    until = max(date.fromisoformat(d["effect_to"]) for d in running)
    forms = ", ".join(sorted({d["form_name"] for d in running}))
    return reason(
        rule,
        False,
        f"Đang trong thời hạn kỷ luật ({forms}) đến ngày {vn(until)}; chưa được áp dụng trước "
        "ngày đó.",
        facts,
        until,
    )


def retirement_margin(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """First appointment: at least `months` of work left before the retirement age."""
    months = int(rule.attrs["months"])
    identity = data.get("identity") or {}
    birth, sex = day(identity.get("birth_date")), identity.get("sex")
    ages = rules_from(attrs_map("retirement_age"))
    if birth is None or sex not in ages:
        return reason(
            rule,
            False,
            "Hồ sơ thiếu ngày sinh hoặc giới tính; không tính được tuổi nghỉ hưu.",
            {"birth_date": birth.isoformat() if birth else None, "sex": sex},
        )
    moment = retirement(birth, ages[sex]).date
    latest = add_months(moment, -months)
    facts = {
        "birth_date": birth.isoformat(),
        "sex": sex,
        "retirement_date": moment.isoformat(),
        "months_required": months,
        "latest_date": latest.isoformat(),
    }
    if on <= latest:
        return reason(
            rule, True, f"Nghỉ hưu ngày {vn(moment)}; còn đủ {months} tháng công tác.", facts
        )
    return reason(
        rule,
        False,
        f"Nghỉ hưu ngày {vn(moment)}; không còn đủ {months} tháng công tác"
        f" (chậm nhất ngày {vn(latest)}).",
        facts,
    )


def time_in_post(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """A person who already holds a post has held it `months` (a first appointment passes)."""
    months = int(rule.attrs["months"])
    current = [
        (start, r)
        for r in data.get("positions") or []
        if r.get("position_code") and r.get("is_main", True) and not r.get("to_date")
        for start in [day(r.get("from_date"))]
        if start is not None and start <= on
    ]
    if not current:
        return reason(
            rule, True, "Bổ nhiệm lần đầu: không xét thời gian giữ chức vụ.", {"current_post": None}
        )
    start, row = current[-1]
    ready = add_months(start, months)
    facts = {
        "current_post": row.get("position_code"),
        "from_date": start.isoformat(),
        "months_required": months,
    }
    if on >= ready:
        return reason(
            rule, True, f"Giữ chức vụ hiện tại từ ngày {vn(start)}, đủ {months} tháng.", facts
        )
    return reason(
        rule,
        False,
        f"Giữ chức vụ hiện tại từ ngày {vn(start)}, chưa đủ {months} tháng"
        f" (đủ từ ngày {vn(ready)}).",
        facts,
        ready,
    )


def service_reason(data: Data, on: date) -> Reason | None:
    """The `in_service` rule in force on `on` applied alone: what the change path asks of a
    decision type that is no action of the engine (a transfer, a retirement…)."""
    rule = _rules_on(on).get("in_service")
    return in_service(rule, data, on, None) if rule else None


# The dossier sections each rule reads: its facts are shown only to a reader who may see them.
SECTIONS: dict[str, tuple[str, ...]] = {
    "in_service": ("employment",),
    "discipline_restriction": ("discipline",),
    "retirement_margin": ("identity",),
    "time_in_post": ("positions",),
    "suspended_sentence": ("legal_records",),
    "imprisonment_or_corruption": ("legal_records",),
    "open_review": ("legal_records",),
    "planning_membership": ("planning",),
    "post_requirements": ("qualifications", "salary", "positions"),
    "last_evaluation_grade": ("evaluations",),
    "salary_step_time": ("salary", "discipline", "evaluations"),
}


def facts_visible(masked: dict[str, str], rule: str) -> bool:
    """Whether a reader whose hidden fields are `masked` (`DossierAccess.masked`) may see the
    facts of `rule`: none of the sections it reads has a hidden field."""
    hidden = {key.split(".")[0] for key in masked}
    return not hidden.intersection(SECTIONS.get(rule, ()))


CHECKS: dict[str, Callable[[Rule, Data, date, str | None], Reason]] = {
    "in_service": in_service,
    "discipline_restriction": discipline_restriction,
    "retirement_margin": retirement_margin,
    "time_in_post": time_in_post,
    "suspended_sentence": legal.suspended_sentence,
    "imprisonment_or_corruption": legal.imprisonment_or_corruption,
    "open_review": legal.open_review,
    "planning_membership": posts.planning_membership,
    "post_requirements": posts.post_requirements,
    "last_evaluation_grade": salary.last_evaluation_grade,
    "salary_step_time": salary.salary_step_time,
}


def unknown_action(action: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                "unknown_action",
                f"Hành động «{action}» không có trong danh sách xét điều kiện.",
                "action",
            )
        ],
        "Không xét được điều kiện; chưa làm gì.",
    )


def unknown_position(position: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem("unknown_position", f"Chức vụ «{position}» không có trong danh mục.", "position")],
        "Không xét được điều kiện; chưa làm gì.",
    )


def check_arguments(action: str, position: str | None) -> None:
    """Refuse an unknown action or position code before anything is read."""
    if action not in ACTIONS:
        raise unknown_action(action)
    if position and position not in codes("position"):
        raise unknown_position(position)


def evaluate_data(
    personal_id: str, data: Data, action: str, on: date, *, position: str | None = None
) -> Verdict:
    """The verdict on a dossier already read (plain data), e.g. by the change path."""
    check_arguments(action, position)
    reasons = []
    for code, rule in _rules_on(on).items():
        check = CHECKS.get(code)
        if check is not None and action in (rule.attrs.get("actions") or []):
            reasons.append(check(rule, data, on, position))
    return Verdict(personal_id, action, on, position, tuple(reasons))


def evaluate(
    person: Person,
    action: str,
    on: date,
    *,
    position: str | None = None,
    acting_user: User | None = None,
) -> Verdict:
    """May `person` be the subject of `action` on `on`; read through the system reader."""
    check_arguments(action, position)
    data = system_dossier(purpose=Purpose.SYSTEM_CHANGE, person=person, acting_user=acting_user)
    return evaluate_data(person.personal_id, data, action, on, position=position)
