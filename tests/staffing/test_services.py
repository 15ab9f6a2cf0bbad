"""Quotas and job positions are written by `hoso.staffing.services` only, each with its document,
never overwritten, audited, and by the records manager whose duty covers the unit
(R-NATIONAL, R-JOB-POSITION)."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.errors import NotFound, ValidationFailed
from hoso.orgs.models import JobPosition, JobPositionVersion, QuotaChange, StaffingQuota
from hoso.staffing import selectors
from hoso.staffing.services import (
    PositionSpec,
    competencies_of,
    job_position_change,
    job_position_create,
    job_position_end,
    year_range,
)

from .conftest import DOCUMENT


def codes(error: ValidationFailed) -> dict[str, str]:
    return {p.field: p.code for p in error.problems}


def nothing_written() -> bool:
    return not StaffingQuota.objects.exists() and not QuotaChange.objects.exists()


# --- Quotas ------------------------------------------------------------------------------------


def test_a_quota_change_keeps_the_old_value_and_is_audited(personas, orgs, set_quota):
    manager = personas["quanly"]
    first = set_quota(orgs["finance"], 5, by=manager)
    again = set_quota(
        orgs["finance"], 7, by=manager, document_number="20/QĐ-UBND", note="Bổ sung 2 chỉ tiêu"
    )
    assert again.pk == first.pk and again.quota == 7
    assert again.legal_basis == (
        "Văn bản số 20/QĐ-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh Thử Nghiệm"
    )
    history = list(selectors.quota_history(orgs["finance"]))
    assert [(c.old_quota, c.new_quota, c.document_number) for c in history] == [
        (5, 7, "20/QĐ-UBND"),
        (None, 5, "15/QĐ-UBND"),
    ]
    assert history[0].changed_by == "quanly" and history[0].note == "Bổ sung 2 chỉ tiêu"
    events = AuditEvent.objects.filter(action=AuditAction.QUOTA_CHANGE).order_by("seq")
    assert [
        (e.actor_username, e.outcome, e.detail["old_quota"], e.detail["new_quota"]) for e in events
    ] == [("quanly", "ok", None, 5), ("quanly", "ok", 5, 7)]


def test_a_quota_below_the_people_at_work_is_refused_with_their_number(
    personas, orgs, make_dossier, set_quota
):
    set_quota(orgs["finance"], 3, by=personas["quanly"])
    make_dossier(unit="T01.STC")
    make_dossier(unit="T01.STC.NS", full_name="Trần Văn Bình")  # in the subtree: counted
    with pytest.raises(ValidationFailed) as refused:
        set_quota(orgs["finance"], 1, by=personas["quanly"])
    [problem] = refused.value.problems
    assert (problem.field, problem.code) == ("quota", "quota_below_headcount")
    assert "2 người" in problem.message and "Sở Tài chính" in problem.message
    assert StaffingQuota.objects.get().quota == 3 and QuotaChange.objects.count() == 1
    denied = AuditEvent.objects.filter(action=AuditAction.QUOTA_CHANGE, outcome="deny").get()
    assert denied.detail["problems"] == ["quota_below_headcount"]
    assert set_quota(orgs["finance"], 2, by=personas["quanly"]).quota == 2  # exactly: allowed


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"quota": -1}, "quota", "negative_quota"),
        ({"staff_category": "astronaut"}, "staff_category", "unknown_staff_category"),
        ({"year": 1999}, "year", "year_out_of_range"),
        ({"year": 2100}, "year", "year_out_of_range"),
        ({"document_number": " "}, "document_number", "document_number_required"),
        ({"document_date": None}, "document_date", "document_date_required"),
        ({"document_date": date(2999, 1, 1)}, "document_date", "document_date_future"),
        ({"document_issuer": ""}, "document_issuer", "document_issuer_required"),
    ],
)
def test_bad_quota_input_is_refused_next_to_its_field(
    personas, orgs, set_quota, override, field, code
):
    with pytest.raises(ValidationFailed) as refused:
        set_quota(orgs["finance"], override.pop("quota", 5), by=personas["quanly"], **override)
    assert codes(refused.value) == {field: code}
    assert refused.value.problems[0].message  # in Vietnamese, for the page
    assert nothing_written()


def test_the_year_range_is_around_this_year():
    first, last = year_range()
    assert first < date.today().year < last


@pytest.mark.parametrize("who", ["nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai"])
def test_only_a_records_manager_over_the_unit_sets_a_quota(personas, orgs, set_quota, who):
    with pytest.raises(NotFound):
        set_quota(orgs["finance"], 5, by=personas[who])
    assert nothing_written()
    denied = AuditEvent.objects.get(action=AuditAction.QUOTA_CHANGE)
    assert (denied.actor_username, denied.outcome) == (who, "deny")


def test_a_records_manager_of_another_tree_gets_not_found(personas, orgs, set_quota):
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    elsewhere = user_create(
        acting_user=None, username="quanly_bo", password="x" * 12, full_name="Quản lý Bộ"
    )
    role_assign(
        acting_user=None,
        user=elsewhere,
        role=Role.RECORDS_MANAGER,
        organization=orgs["ministry"],
        valid_from=date(2025, 1, 1),
    )
    with pytest.raises(NotFound):
        set_quota(orgs["finance"], 5, by=elsewhere)
    assert set_quota(orgs["office"], 5, by=elsewhere).quota == 5


def test_an_unknown_unit_is_not_found(personas, set_quota):
    with pytest.raises(NotFound):
        set_quota(None, 5, by=personas["quanly"])


# --- Job positions -----------------------------------------------------------------------------

SPEC = PositionSpec(
    name="Chuyên viên quản lý ngân sách",
    staff_category="civil_servant",
    description="Tham mưu quản lý ngân sách địa phương",
    qualification_code="bachelor",
    rank_code="01.003",
    competencies=("Lập dự toán ngân sách", "Phân tích tài chính công"),
    headcount=3,
    legal_basis="Đề án vị trí việc làm phê duyệt tại Quyết định số 30/QĐ-UBND",
)


def create(orgs, by, code="VT01", spec=SPEC, start=date(2026, 1, 1), end=None):
    return job_position_create(
        acting_user=by,
        organization=orgs["finance"],
        code=code,
        spec=spec,
        valid_from=start,
        valid_to=end,
    )


def test_a_job_position_keeps_every_dated_version(personas, orgs):
    manager = personas["quanly"]
    position = create(orgs, manager)
    assert (position.qualification_code, position.rank_code, position.headcount) == (
        "bachelor",
        "01.003",
        3,
    )
    assert position.competencies == ["Lập dự toán ngân sách", "Phân tích tài chính công"]
    changed = PositionSpec(**{**SPEC.__dict__, "headcount": 4, "qualification_code": "master"})
    job_position_change(
        acting_user=manager, position=position, spec=changed, valid_from=date(2026, 7, 1)
    )
    position.refresh_from_db()
    assert (position.headcount, position.qualification_code) == (4, "master")
    versions = list(selectors.job_position_versions(position))
    assert [(v.valid_from, v.valid_to, v.headcount) for v in versions] == [
        (date(2026, 7, 1), None, 4),
        (date(2026, 1, 1), date(2026, 6, 30), 3),
    ]
    job_position_end(
        acting_user=manager,
        position=position,
        valid_to=date(2026, 12, 31),
        legal_basis="Quyết định số 40/QĐ-UBND",
    )
    position.refresh_from_db()
    assert position.valid_to == date(2026, 12, 31) and position.ended_basis.startswith("Quyết")
    assert JobPositionVersion.objects.get(valid_from=date(2026, 7, 1)).valid_to == date(
        2026, 12, 31
    )
    events = AuditEvent.objects.filter(action=AuditAction.JOB_POSITION_CHANGE).order_by("seq")
    assert [e.detail["change"] for e in events] == ["create", "change", "end"]
    assert events[1].detail["changed"] == ["headcount", "qualification_code"]


@pytest.mark.parametrize(
    ("spec", "field", "code"),
    [
        (PositionSpec(name="", staff_category="civil_servant"), "name", "name_required"),
        (PositionSpec(name="X", staff_category="nope"), "staff_category", "unknown_staff_category"),
        (
            PositionSpec(name="X", staff_category="civil_servant", qualification_code="phd?"),
            "qualification_code",
            "unknown_qualification",
        ),
        (
            PositionSpec(name="X", staff_category="civil_servant", rank_code="99.999"),
            "rank_code",
            "unknown_rank",
        ),
        (
            PositionSpec(name="X", staff_category="public_employee", rank_code="01.003"),
            "rank_code",
            "rank_of_other_category",
        ),
        (
            PositionSpec(name="X", staff_category="civil_servant", headcount=0),
            "headcount",
            "bad_headcount",
        ),
    ],
)
def test_bad_job_position_input_is_refused(personas, orgs, spec, field, code):
    with pytest.raises(ValidationFailed) as refused:
        create(orgs, personas["quanly"], spec=spec)
    assert codes(refused.value) == {field: code}
    assert not JobPosition.objects.exists() and not JobPositionVersion.objects.exists()


def test_a_duplicate_code_and_a_reversed_period_are_refused(personas, orgs):
    create(orgs, personas["quanly"])
    with pytest.raises(ValidationFailed) as duplicate:
        create(orgs, personas["quanly"])
    assert codes(duplicate.value) == {"code": "duplicate_job_position"}
    assert "«VT01» đã có ở «Sở Tài chính»" in duplicate.value.problems[0].message
    with pytest.raises(ValidationFailed) as reversed_:
        create(orgs, personas["quanly"], code="VT02", end=date(2025, 12, 31))
    assert codes(reversed_.value) == {"valid_to": "period_reversed"}
    with pytest.raises(ValidationFailed) as early:
        create(orgs, personas["quanly"], code="VT03", start=date(2020, 1, 1))
    assert codes(early.value) == {"valid_from": "before_unit"}
    assert JobPosition.objects.count() == 1


def test_a_change_must_start_after_the_version_in_force(personas, orgs):
    position = create(orgs, personas["quanly"])
    with pytest.raises(ValidationFailed) as refused:
        job_position_change(
            acting_user=personas["quanly"],
            position=position,
            spec=SPEC,
            valid_from=date(2026, 1, 1),
        )
    assert codes(refused.value) == {"valid_from": "not_after_current"}
    assert JobPositionVersion.objects.count() == 1
    assert JobPositionVersion.objects.get().valid_to is None  # the closing was rolled back


def test_an_ended_position_cannot_be_changed_after_its_end_nor_ended_twice(personas, orgs):
    manager = personas["quanly"]
    position = create(orgs, manager)
    job_position_end(
        acting_user=manager, position=position, valid_to=date(2026, 3, 31), legal_basis="QĐ 41"
    )
    with pytest.raises(ValidationFailed) as changed:
        job_position_change(
            acting_user=manager, position=position, spec=SPEC, valid_from=date(2026, 5, 1)
        )
    assert codes(changed.value) == {"valid_from": "position_ended"}
    with pytest.raises(ValidationFailed) as again:
        job_position_end(
            acting_user=manager, position=position, valid_to=date(2026, 4, 30), legal_basis="QĐ 42"
        )
    assert codes(again.value) == {"valid_to": "already_ended"}


def test_only_the_records_manager_writes_job_positions(personas, orgs):
    with pytest.raises(NotFound):
        create(orgs, personas["nhaplieu"])
    position = create(orgs, personas["quanly"])
    for who in ("nhaplieu", "lanhdao", "ngoai", "quantri"):
        with pytest.raises(NotFound):
            job_position_change(
                acting_user=personas[who], position=position, spec=SPEC, valid_from=date(2026, 8, 1)
            )
        with pytest.raises(NotFound):
            job_position_end(
                acting_user=personas[who],
                position=position,
                valid_to=date(2026, 8, 1),
                legal_basis="QĐ",
            )
    assert JobPositionVersion.objects.count() == 1


def test_competencies_are_read_one_a_line():
    assert competencies_of("  Lập dự toán\n\nLập dự toán\nPhân tích ") == (
        "Lập dự toán",
        "Phân tích",
    )
    assert DOCUMENT["document_number"]
