"""People of the demo whom the eligibility engine refuses (issue 12 item 6), so that a visitor
sees refusals and their citations (`/api/v1/people/{id}/eligibility`, the decision page).

A reprimand eight months ago, a suspended sentence still running and a disciplinary review
not concluded are entered from paper by the clerk and approved by the records manager through
the change path, as they would be; one person is put in the planning of the 2026-2031 term for
the post the demo's appointments are for, so an accepted planning check shows too. Nobody
else is in a planning: every other appointment is refused by `planning_membership`. A man a
few years from his retirement age is named as he is (`retirement_margin`). The setup prints
where each verdict is read.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TextIO

from hoso.access.models import User
from hoso.changes.services import changesets
from hoso.demo.plan import WORK, snv_people
from hoso.demo.procedures import POST
from hoso.orgs.models import Organization
from hoso.people.selectors import person_queryset
from hoso.rules.salary_steps import add_months


def _cases(today: date) -> list[tuple[str, dict[str, Any], str]]:
    """(rule it trips, operation, note of the paper it comes from)."""
    reprimanded = add_months(today, -8)
    post = POST["decision"]["position_code"]
    return [
        (
            "discipline_restriction",
            {
                "op": "add",
                "section": "discipline",
                "row": {
                    "decision_date": reprimanded.isoformat(),
                    "form_code": "reprimand",
                    "reason": "Vi phạm quy chế làm việc của cơ quan",
                    "decision_number": "15/QĐ-SNV",
                    "issuer": "Sở Nội vụ",
                    "effect_from": reprimanded.isoformat(),
                },
            },
            "Quyết định kỷ luật khiển trách (bản giấy)",
        ),
        (
            "suspended_sentence",
            {
                "op": "add",
                "section": "legal_records",
                "row": {
                    "kind": "suspended_sentence",
                    "from_date": add_months(today, -10).isoformat(),
                    "to_date": add_months(today, 14).isoformat(),
                    "authority": "Tòa án nhân dân tỉnh Ninh Bình",
                    "document_number": "21/2026/HS-ST",
                    "note": "Phạt tù cho hưởng án treo, thời gian thử thách 24 tháng",
                },
            },
            "Bản án hình sự sơ thẩm (bản sao)",
        ),
        (
            "open_review",
            {
                "op": "add",
                "section": "legal_records",
                "row": {
                    "kind": "disciplinary_review",
                    "from_date": (today - timedelta(days=20)).isoformat(),
                    "to_date": None,
                    "authority": "Hội đồng kỷ luật Sở Nội vụ",
                    "document_number": "3/TB-HĐKL",
                    "note": "Đang xem xét kỷ luật, chưa có kết luận",
                },
            },
            "Thông báo xem xét kỷ luật",
        ),
        (
            "planning_membership",
            {
                "op": "add",
                "section": "planning",
                "row": {
                    "term": "2026-2031",
                    "position_code": post,
                    "organization": "NB.SNV",
                    "from_date": date(today.year, 1, 5).isoformat(),
                    "to_date": None,
                    "decision_number": "120/QĐ-UBND",
                    "removal_reason": "",
                },
            },
            "Quyết định phê duyệt quy hoạch nhiệm kỳ 2026-2031",
        ),
    ]


def _first_free() -> int:
    """The first of the clerk's department's people the demo's other work leaves alone."""
    return WORK.scanned_dossiers + sum(
        (WORK.overdue, WORK.due_soon, WORK.later, WORK.done, WORK.done_late)
        + (WORK.pending, WORK.approved, WORK.rejected)
    )


def refusals_create(today: date, out: TextIO) -> dict[str, str]:
    """Enter each case on one person of the clerk's department; returns rule → personal id."""
    cases = _cases(today)
    start = _first_free()
    people = snv_people(start + len(cases))[start:]
    if len(people) < len(cases):
        # A small demo's department runs short: say which cases are missing, not nothing.
        left = ", ".join(rule for rule, _, _ in cases[len(people) :])
        out.write(f"Bản demo nhỏ: phòng của người nhập liệu thiếu người, bỏ qua: {left}.\n")
    if not people:
        return {}
    out.write("Ghi án treo, kỷ luật, xem xét kỷ luật và quy hoạch của một số người…\n")
    clerk = User.objects.get(username="nhaplieu")
    manager = User.objects.get(username="quanly")
    post = POST["decision"]["position_code"]
    made = {}
    for pid, (rule, operation, note) in zip(people, cases, strict=False):
        changeset = changesets.changeset_propose(
            acting_user=clerk,
            personal_id=pid,
            operations=[operation],
            source_kind="paper",
            paper_confirmed_on=today,
            source_note=note,
            today=today,
        )
        changesets.changeset_approve(acting_user=manager, changeset_id=changeset.pk, today=today)
        made[rule] = pid
    near = _near_retirement(today)
    if near:
        made["retirement_margin"] = near
    for rule, pid in made.items():
        out.write(
            f"  {rule}: /api/v1/people/{pid}/eligibility?action=appointment&position={post}\n"
        )
    return made


def _near_retirement(today: date) -> str | None:
    """A man of the clerk's department less than five years from his retirement age (NĐ
    135/2020: 62 from 2028), whom a first appointment refuses; nothing is written for him."""
    unit = Organization.objects.get(code="NB.SNV")
    return (
        person_queryset()
        .filter(
            current_unit__path__startswith=unit.path,
            sex="M",
            birth_date__gt=add_months(today, -62 * 12 + 6),
            birth_date__lte=add_months(today, -58 * 12),
            secret_label="",
            special_category=False,
        )
        .order_by("birth_date")
        .values_list("personal_id", flat=True)
        .first()
    )
