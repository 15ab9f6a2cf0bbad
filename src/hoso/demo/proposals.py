"""The work the personas find waiting: registered decisions, paper-based proposals and
discrepancy reports, made through `changes` as the personas would."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TextIO

from hoso.access.models import User
from hoso.calendar import selectors as calendar_selectors
from hoso.changes.selectors.obligations import deadline, soon_limit
from hoso.changes.services import changesets, decisions, discrepancies
from hoso.demo.orgs import PROVINCE
from hoso.demo.plan import WORK, snv_people
from hoso.orgs.models import Organization
from hoso.people.selectors import person_queryset


def _receipt_days(today: date) -> dict[str, list[date]]:
    """Receipt days (most recent first) by where a decision received then stands today:
    overdue, due soon, later (its 10-working-day deadline counted on the real calendar)."""
    soon = soon_limit(today, calendar_selectors.calendar())
    days: dict[str, list[date]] = {"overdue": [], "due_soon": [], "later": []}
    for back in range(0, 45):
        start = today - timedelta(days=back)
        due = deadline("enter_decision", start)[0]
        bucket = "overdue" if due < today else "due_soon" if due < soon else "later"
        days[bucket].append(start)
    return days


# (award form, summary, issuer) of the decisions the clerk registers.
REWARDS = (
    ("certificate_of_merit", "Tặng giấy khen hoàn thành xuất sắc nhiệm vụ năm {year}", "Sở Nội vụ"),
    (
        "certificate_of_merit",
        "Tặng giấy khen có thành tích trong phong trào thi đua năm {year}",
        "Ủy ban nhân dân tỉnh Ninh Bình",
    ),
)

# (operations, note) of the clerk's paper-based proposals; {n} varies the values.
PROPOSALS = (
    (
        [{"op": "set", "section": "identity", "values": {"phone": "09120{n:05d}"}}],
        "Phiếu bổ sung lý lịch: số điện thoại mới",
    ),
    (
        [
            {
                "op": "set",
                "section": "qualifications",
                "values": {"strengths": "Tổng hợp, tham mưu xây dựng văn bản quy phạm pháp luật"},
            }
        ],
        "Bản tự kiểm điểm năm trước",
    ),
    (
        [
            {
                "op": "set",
                "section": "employment",
                "values": {
                    "main_duties": "Theo dõi công tác tổ chức bộ máy, biên chế của các sở, ngành"
                },
            }
        ],
        "Quyết định phân công nhiệm vụ",
    ),
)

REJECTIONS = (
    "Chưa có bản sao văn bằng kèm theo.",
    "Số điện thoại không khớp với phiếu bổ sung lý lịch đã ký.",
    "Nội dung đề nghị đã được cập nhật theo quyết định khác.",
    "Cần xác nhận của thủ trưởng đơn vị trước khi cập nhật.",
)

# (section, field, what the paper dossier says) of the leader's discrepancy reports.
DISCREPANCIES = (
    ("identity", "identity.birth_place", "Xã Ninh Hải, huyện Hoa Lư (theo giấy khai sinh)"),
    ("training", "", "Bằng thạc sĩ cấp năm 2015, hồ sơ giấy trang 12"),
    ("awards", "", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2019 chưa có trong hồ sơ"),
    ("salary", "", "Quyết định nâng lương năm 2022 ghi bậc 4, hệ số 3,33"),
    ("party", "", "Ngày vào Đảng 19/05/2010 theo thẻ đảng viên"),
    ("work_history", "", "Từ 2008 đến 2012 công tác tại Ủy ban nhân dân huyện Gia Viễn"),
    ("family", "", "Lý lịch giấy ghi em ruột sinh năm 1990, không phải 1991"),
    ("identity", "identity.home_town", "Quê quán: xã Yên Khánh (theo lý lịch gốc năm 2005)"),
    ("evaluations", "", "Năm 2023 xếp loại hoàn thành tốt nhiệm vụ, không phải xuất sắc"),
    ("training", "", "Chứng chỉ quản lý nhà nước chương trình chuyên viên chính, năm 2018"),
    ("military", "", "Thời gian nghĩa vụ quân sự 2002–2004 theo quyết định xuất ngũ"),
    ("awards", "", "Giấy khen của Giám đốc Sở năm 2021 (hồ sơ giấy trang 20)"),
    ("identity", "identity.birth_place", "Phường Nam Bình, thành phố Ninh Bình (giấy khai sinh)"),
)


def work_create(today: date, out: TextIO) -> None:
    """What the personas find waiting, made through the services as they would: decisions
    registered by the clerk (overdue, due soon, later, entered on time or late), paper-based
    proposals (pending, approved, rejected), discrepancies reported by the leader (open, and
    resolved by the records manager). Only when this run created the people."""
    plan = WORK
    clerk = User.objects.get(username="nhaplieu")
    leader = User.objects.get(username="lanhdao")
    manager = User.objects.get(username="quanly")
    out.write("Tạo việc cần làm, đề xuất thay đổi và cảnh báo sai lệch…\n")
    wanted = sum((plan.overdue, plan.due_soon, plan.later, plan.done, plan.done_late)) + sum(
        (plan.pending, plan.approved, plan.rejected)
    )
    people = iter(snv_people(wanted + plan.scanned_dossiers)[plan.scanned_dossiers :])
    days = _receipt_days(today)
    decided: list[tuple[str, int]] = []  # (bucket, change set) to approve after registering
    buckets = (
        ("overdue", "overdue", plan.overdue),
        ("due_soon", "due_soon", plan.due_soon),
        ("later", "later", plan.later),
        ("done", "due_soon", plan.done),
        ("done_late", "overdue", plan.done_late),
    )
    number = 100
    for bucket, when, count in buckets:
        for index in range(count):
            pid = next(people, None)
            if pid is None or not days[when]:
                break
            received = days[when][min(index, len(days[when]) - 1)]
            form, summary, issuer = REWARDS[number % len(REWARDS)]
            number += 1
            decision = decisions.decision_register(
                acting_user=clerk,
                decision_type="reward",
                number=f"{number}/QĐ-{'SNV' if issuer == 'Sở Nội vụ' else 'UBND'}",
                signed_date=received - timedelta(days=2),
                issuer=issuer,
                received_date=received,
                effective_date=received - timedelta(days=2),
                personal_id=pid,
                parameters={"form_code": form},
                summary=summary.format(year=received.year - 1),
                today=today,
            )
            if bucket.startswith("done") and decision.changeset_id:
                decided.append((bucket, decision.changeset_id))
    for _bucket, changeset_id in decided:
        changesets.changeset_approve(acting_user=manager, changeset_id=changeset_id, today=today)
    outcomes = ["pending"] * plan.pending + ["approved"] * plan.approved
    outcomes += ["rejected"] * plan.rejected
    for n, outcome in enumerate(outcomes):
        pid = next(people, None)
        if pid is None:
            break
        operations, note = PROPOSALS[n % len(PROPOSALS)]
        changeset = changesets.changeset_propose(
            acting_user=clerk,
            personal_id=pid,
            operations=json.loads(json.dumps(operations).replace("{n:05d}", f"{n:05d}")),
            source_kind="paper",
            paper_confirmed_on=today - timedelta(days=n % 5),
            source_note=note,
            today=today,
        )
        if outcome == "approved":
            changesets.changeset_approve(
                acting_user=manager, changeset_id=changeset.pk, today=today
            )
        elif outcome == "rejected":
            changesets.changeset_reject(
                acting_user=manager,
                changeset_id=changeset.pk,
                reason=REJECTIONS[n % len(REJECTIONS)],
            )
    province = Organization.objects.get(code=PROVINCE["code"])
    reports = plan.open_discrepancies + plan.resolved_discrepancies
    reported = list(
        person_queryset()
        .filter(
            current_unit__path__startswith=province.path, secret_label="", special_category=False
        )
        .exclude(current_unit__path__startswith=Organization.objects.get(code="NB.SNV").path)
        .order_by("-pk")
        .values_list("personal_id", flat=True)[:reports]
    )
    for n, pid in enumerate(reported):
        section, field, paper = DISCREPANCIES[n % len(DISCREPANCIES)]
        found = discrepancies.discrepancy_report(
            acting_user=leader, personal_id=pid, sections=[section], field=field, paper_says=paper
        )
        if n >= plan.open_discrepancies:
            discrepancies.discrepancy_resolve(
                acting_user=manager,
                discrepancy_id=found.pk,
                note="Đã đối chiếu bản gốc trong hồ sơ giấy; hồ sơ điện tử cập nhật theo đó.",
                today=today,
            )
