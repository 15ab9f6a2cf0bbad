"""A difference from the paper dossier: a warning on the dossier, paper-based approvals frozen
until a records manager verifies it with a signature, then 5 working days to correct it
(R-DISCREPANCY)."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.access.models import Role
from hoso.access.services import role_assign, user_create
from hoso.audit.models import AuditEvent
from hoso.changes.models import (
    ChangeSet,
    ChangeStatus,
    Discrepancy,
    DiscrepancyStatus,
    Obligation,
)
from hoso.changes.selectors import discrepancies
from hoso.changes.selectors.discrepancies import discrepancy_verify, open_discrepancies
from hoso.changes.services import discrepancies as discrepancy_services
from hoso.changes.services.changesets import changeset_approve, changeset_propose
from hoso.changes.services.discrepancies import discrepancy_report, discrepancy_resolve
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.models import Training

NEW_TRAINING = {
    "kind": "fostering",
    "institution": "Học viện Hành chính Quốc gia",
    "field_of_study": "Quản lý nhà nước",
    "from_date": "2024-03-01",
    "to_date": "2024-05-30",
    "mode": "short_course",
    "diploma": "Chứng chỉ",
}
ADD_TRAINING = [{"op": "add", "section": "training", "row": NEW_TRAINING}]
SET_PHONE = [{"op": "set", "section": "identity", "values": {"phone": "0987654321"}}]


def propose(personas, person, operations=ADD_TRAINING, source_kind="paper"):
    return changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=operations,
        source_kind=source_kind,
        paper_confirmed_on=date(2026, 11, 2) if source_kind == "paper" else None,
        source_note="Quyết định số 12/QĐ-STC" if source_kind == "decision" else "",
    )


def report(personas, person, who="nhaplieu", **kw):
    return discrepancy_report(
        acting_user=personas[who],
        personal_id=person.personal_id,
        sections=kw.pop("sections", ["training"]),
        field=kw.pop("field", "training.institution"),
        paper_says=kw.pop("paper_says", "Học viện Tài chính, khóa 2003–2007 (bản sao bằng)"),
        evidence=kw.pop("evidence", "Mẫu 2C trang 3, mục 27; bản sao bằng cử nhân"),
        **kw,
    )


def test_anyone_who_may_open_the_dossier_reports_and_everyone_sees_the_warning(
    personas, make_dossier
):
    person = make_dossier()
    found = report(personas, person, sections=["identity"], field="training.institution")
    assert found.sections == ["identity", "training"]  # the field's section is added
    assert found.status == DiscrepancyStatus.OPEN
    assert list(open_discrepancies(person.personal_id)) == [found]
    assert "cảnh báo sai lệch số" in discrepancies.describe(found)
    event = AuditEvent.objects.get(purpose="discrepancy_report", action="changeset")
    assert (event.personal_id, event.actor_user_id) == (
        person.personal_id,
        personas["nhaplieu"].pk,
    )
    assert event.detail["discrepancy"] == found.pk
    stored = Discrepancy.objects.get(pk=found.pk)
    assert stored.paper_says.startswith("Học viện Tài chính")


def test_an_outsider_cannot_report(personas, make_dossier):
    person = make_dossier()
    with pytest.raises(NotFound):
        report(personas, person, who="ngoai")
    assert not Discrepancy.objects.exists()
    assert AuditEvent.objects.filter(
        purpose="discrepancy_report", action="dossier_read_denied"
    ).exists()


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"sections": ["khong-co"]}, "unknown_section"),
        ({"sections": [], "field": ""}, "sections_required"),
        ({"field": "training.khong_co"}, "unknown_field"),
        ({"paper_says": "   "}, "paper_says_required"),
    ],
)
def test_a_bad_report_is_refused_and_nothing_stored(personas, make_dossier, kw, code):
    person = make_dossier()
    with pytest.raises(ValidationFailed) as caught:
        report(personas, person, **kw)
    assert caught.value.problems[0].code == code
    assert not Discrepancy.objects.exists()


def test_an_open_discrepancy_freezes_paper_changes_of_its_sections_only(personas, make_dossier):
    person = make_dossier()
    frozen = propose(personas, person)
    elsewhere = propose(personas, person, SET_PHONE)
    found = report(personas, person)
    with pytest.raises(ValidationFailed) as caught:
        changeset_approve(acting_user=personas["quanly"], changeset_id=frozen.pk)
    problem = caught.value.problems[0]
    assert problem.code == "discrepancy_open"
    assert f"cảnh báo sai lệch số {found.pk}" in problem.message
    assert "mục «Đào tạo, bồi dưỡng», trường «Tên trường, cơ sở đào tạo»" in problem.message
    assert "dựa trên hồ sơ giấy" in problem.message
    assert ChangeSet.objects.get(pk=frozen.pk).status == ChangeStatus.PROPOSED
    assert Training.objects.filter(person=person).count() == 1
    # Another section, from the same paper dossier: not frozen.
    changeset_approve(acting_user=personas["quanly"], changeset_id=elsewhere.pk)


def test_a_decision_based_change_set_is_not_frozen(personas, make_dossier):
    person = make_dossier()
    report(personas, person)
    decision = propose(personas, person, source_kind="decision")
    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.pk)
    assert Training.objects.filter(person=person).count() == 2


def test_the_reporter_cannot_verify_their_own_report(personas, make_dossier):
    person = make_dossier()
    found = report(personas, person, who="quanly")
    with pytest.raises(ValidationFailed) as caught:
        discrepancy_resolve(acting_user=personas["quanly"], discrepancy_id=found.pk, note="Đúng")
    assert caught.value.problems[0].code == "self_verification"
    assert Discrepancy.objects.get(pk=found.pk).status == DiscrepancyStatus.OPEN


def test_only_a_records_manager_verifies(personas, make_dossier):
    person = make_dossier()
    found = report(personas, person)
    for who in ("lanhdao", "nhaplieu"):
        with pytest.raises(ValidationFailed) as caught:
            discrepancy_resolve(acting_user=personas[who], discrepancy_id=found.pk, note="Đúng")
        assert caught.value.problems[0].code == "not_records_manager"
    with pytest.raises(ValidationFailed, match="kết quả xác minh"):
        discrepancy_resolve(acting_user=personas["quanly"], discrepancy_id=found.pk, note=" ")
    assert Discrepancy.objects.get(pk=found.pk).status == DiscrepancyStatus.OPEN


def test_a_records_manager_without_a_signing_key_cannot_verify(personas, orgs, make_dossier):
    person = make_dossier()
    found = report(personas, person)
    newcomer = user_create(
        acting_user=None, username="quanly.chuacokhoa", password="x" * 14, full_name="QL"
    )
    role_assign(
        acting_user=None,
        user=newcomer,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    with pytest.raises(ValidationFailed) as caught:
        discrepancy_resolve(acting_user=newcomer, discrepancy_id=found.pk, note="Đúng")
    assert caught.value.problems[0].code == "signing_key_missing"
    assert Discrepancy.objects.get(pk=found.pk).status == DiscrepancyStatus.OPEN


def test_a_signed_verification_lifts_the_freeze_and_verifies(personas, make_dossier):
    person = make_dossier()
    proposal = propose(personas, person)
    found = report(personas, person)
    resolved = discrepancy_resolve(
        acting_user=personas["quanly"],
        discrepancy_id=found.pk,
        note="Đã đối chiếu bản gốc: hồ sơ giấy đúng, cập nhật theo hồ sơ giấy.",
        today=date(2026, 11, 20),
    )
    assert (resolved.status, resolved.verified_by, resolved.verified_on) == (
        DiscrepancyStatus.RESOLVED,
        personas["quanly"],
        date(2026, 11, 20),
    )
    assert not open_discrepancies(person.personal_id).exists()
    result = discrepancy_verify(found.pk)
    assert result.valid, result.reasons
    assert result.signer_username == "quanly" and result.certificate_serial
    assert AuditEvent.objects.filter(purpose="discrepancy_resolve").count() == 1
    with pytest.raises(ValidationFailed, match="đã được xác minh"):
        discrepancy_resolve(acting_user=personas["quanly"], discrepancy_id=found.pk, note="Lại")
    # The freeze is lifted: the paper-based correction can now be approved.
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    # Changing what was verified afterwards breaks the signature.
    Discrepancy.objects.filter(pk=found.pk).update(verification_note="Hồ sơ điện tử đúng.")
    changed = discrepancy_verify(found.pk)
    assert not changed.valid and "data_changed" in changed.codes


def test_verification_opens_the_obligation_to_correct(personas, make_dossier, monkeypatch):
    """The call to the obligations service as this module makes it."""
    calls = []
    monkeypatch.setattr(
        discrepancy_services, "obligation_open", lambda **kw: calls.append(kw) or Obligation()
    )
    person = make_dossier()
    found = report(personas, person)
    discrepancy_resolve(
        acting_user=personas["quanly"],
        discrepancy_id=found.pk,
        note="Đã xác minh.",
        today=date(2026, 11, 20),
    )
    assert calls == [
        {
            "kind": "fix_discrepancy",
            "personal_id": person.personal_id,
            "start_date": date(2026, 11, 20),
            "source": f"discrepancy:{found.pk}",
            "unit": person.current_unit,
            "officer": None,
            "acting_user": personas["quanly"],
        }
    ]


def test_verification_opens_a_real_obligation(personas, make_dossier):
    person = make_dossier()
    found = report(personas, person)
    discrepancy_resolve(
        acting_user=personas["quanly"],
        discrepancy_id=found.pk,
        note="Đúng.",
        today=date(2026, 11, 20),  # a Friday
    )
    duty = Obligation.objects.get(source=f"discrepancy:{found.pk}")
    assert (duty.kind, duty.personal_id, duty.unit_id, duty.start_date) == (
        "fix_discrepancy",
        person.personal_id,
        person.current_unit_id,
        date(2026, 11, 20),
    )
    # 5 working days: 23, 25, 26, 27 and 30 November (24/11, Vietnam Culture Day, is off).
    assert duty.due_date == date(2026, 11, 30)
