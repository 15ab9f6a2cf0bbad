"""A scanned résumé or decision compared with the e-dossier: a difference is proposed as a
finding, which a person who may see the scan confirms (a discrepancy report, with its freeze)
or dismisses with a reason (R-DISCREPANCY, R-DIGITIZE). Real scans, real OCR (tesseract vie)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ocrmypdf
import pytest
from tests.documents.components_common import component_of
from tests.documents.scans import RESUME_LINES, scan

from hoso.audit.models import AuditEvent
from hoso.changes.models import ChangeStatus, DiscrepancyStatus, PersonnelDecision
from hoso.changes.selectors.discrepancies import open_discrepancies
from hoso.changes.services.changesets import changeset_approve, changeset_propose
from hoso.core.errors import NotFound, ValidationFailed
from hoso.documents.models import ConsistencyFinding, FindingStatus
from hoso.documents.selectors.consistency import findings_for
from hoso.documents.services.consistency import (
    component_check,
    finding_confirm,
    finding_dismiss,
)
from hoso.documents.storage import read_bytes

PERSONAL_ID = "001185012345"  # as printed on RESUME_LINES
NAME = "Nguyễn Thị Hồng Nhung"

# The résumé as scanned says 13/03; the decision is dated 05/06/2026.
RESUME_SCANNED = [
    line.replace("Sinh ngày: 12 tháng 03", "Sinh ngày: 13 tháng 03") for line in RESUME_LINES
]
DECISION_SCANNED = [
    "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    "Số: 125/QĐ-UBND",
    "Thử Nghiệm, ngày 05 tháng 6 năm 2026",
    "QUYẾT ĐỊNH",
    "Về việc bổ nhiệm công chức",
    "Điều 1. Bổ nhiệm bà Nguyễn Thị Hồng Nhung, sinh ngày 12/03/1985,",
    "giữ chức vụ Phó Trưởng phòng Ngân sách, Sở Tài chính.",
]


def _ocr(image: bytes, directory: Path, name: str) -> str:
    source, sidecar = directory / f"{name}.jpg", directory / f"{name}.txt"
    source.write_bytes(image)
    ocrmypdf.ocr(
        source,
        directory / f"{name}.pdf",
        language=["vie"],
        sidecar=sidecar,
        deskew=True,
        image_dpi=200,
        progress_bar=False,
    )
    return sidecar.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """Two real scans (turned, noisy JPEGs) and what OCR read on them: two OCR runs."""
    directory = tmp_path_factory.mktemp("consistency")
    resume = scan(RESUME_SCANNED, "JPEG", angle=2.0, seed=3)
    decision = scan(DECISION_SCANNED, "JPEG", angle=-1.5, seed=4)
    return {
        "resume": (resume, _ocr(resume, directory, "resume")),
        "decision": (decision, _ocr(decision, directory, "decision")),
    }


def nhung(make_dossier, born=date(1985, 3, 12)):
    return make_dossier(
        full_name=NAME, birth_date=born, sex="F", identity={"personal_id": PERSONAL_ID}
    )


@pytest.fixture
def found(scans, personas, make_dossier):
    """Nhung's dossier (born 12/03/1985), her résumé scan (13/03/1985) checked once."""
    person = nhung(make_dossier)
    component = component_of(person, scans["resume"], personas["nhaplieu"])
    return person, component, component_check(component=component)


def test_ocr_reads_the_name_with_its_diacritics(scans):
    text = scans["resume"][1]
    assert "NGUYỄN THỊ HỒNG" in text
    assert "13 tháng 03 năm 1985" in text


def test_a_different_birth_date_on_the_scan_is_proposed_as_a_finding(found):
    person, component, findings = found
    assert len(findings) == 1
    finding = ConsistencyFinding.objects.get()
    assert finding == findings[0]
    assert (finding.field, finding.section, finding.status) == (
        "identity.birth_date",
        "identity",
        FindingStatus.PROPOSED,
    )
    assert (finding.dossier_value, finding.scanned_value) == ("12/03/1985", "13/03/1985")
    assert (finding.component, finding.personal_id) == (component, person.personal_id)
    # The scan itself is untouched, and the check is a system event naming no value.
    assert read_bytes(component.original_key)[:3] == b"\xff\xd8\xff"
    event = AuditEvent.objects.get(purpose="consistency_check")
    assert (event.action, event.actor_user_id, event.personal_id) == (
        "system",
        None,
        person.personal_id,
    )
    assert event.detail["created"] == [finding.pk]
    assert "13/03/1985" not in str(event.detail)


def test_checking_again_proposes_nothing_new(found):
    _person, component, findings = found
    again = component_check(component=component)
    assert again == findings
    assert ConsistencyFinding.objects.count() == 1


def test_a_scan_agreeing_with_the_dossier_gives_no_finding(scans, personas, make_dossier):
    person = nhung(make_dossier, born=date(1985, 3, 13))
    component = component_of(person, scans["resume"], personas["nhaplieu"])
    assert component_check(component=component) == []
    assert not ConsistencyFinding.objects.exists()


def test_a_scan_without_text_or_of_another_kind_is_not_checked(scans, personas, make_dossier):
    person = nhung(make_dossier)
    diploma = component_of(person, scans["resume"], personas["nhaplieu"], kind="diploma")
    blank = component_of(person, (scans["resume"][0], ""), personas["nhaplieu"])
    assert component_check(component=diploma) == []
    assert component_check(component=blank) == []
    assert not ConsistencyFinding.objects.exists()


def test_confirming_reports_a_discrepancy_that_freezes_paper_changes(found, personas):
    person, component, findings = found
    paper = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0987654321"}}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 2),
    )
    discrepancy = finding_confirm(
        acting_user=personas["quanly"], finding_id=findings[0].pk, note="Đã xem bản giấy."
    )
    assert discrepancy.status == DiscrepancyStatus.OPEN
    assert list(open_discrepancies(person.personal_id)) == [discrepancy]
    assert (discrepancy.field, discrepancy.sections) == ("identity.birth_date", ["identity"])
    assert discrepancy.paper_says == "Ngày sinh: 13/03/1985"
    evidence = discrepancy.evidence
    assert f"«{component.title}»" in evidence
    assert "Sơ yếu lý lịch (Mẫu 2C-BNV/2008" in evidence  # the kind, by name
    assert f"thành phần hồ sơ số {component.pk}" in evidence
    assert "«13/03/1985»" in evidence and "«12/03/1985»" in evidence
    assert "Đã xem bản giấy." in evidence
    finding = ConsistencyFinding.objects.get()
    assert (finding.status, finding.discrepancy, finding.decided_by) == (
        FindingStatus.CONFIRMED,
        discrepancy,
        personas["quanly"],
    )
    event = AuditEvent.objects.get(purpose="consistency_confirm", action="dossier_write")
    assert (event.action, event.detail["discrepancy"]) == ("dossier_write", discrepancy.pk)
    # The discrepancy behaves as any reported one: paper-based approvals of identity wait.
    with pytest.raises(ValidationFailed) as caught:
        changeset_approve(acting_user=personas["quanly"], changeset_id=paper.pk)
    assert caught.value.problems[0].code == "discrepancy_open"
    paper.refresh_from_db()
    assert paper.status == ChangeStatus.PROPOSED
    # Decided once; no longer listed as open.
    with pytest.raises(ValidationFailed) as again:
        finding_confirm(acting_user=personas["nhaplieu"], finding_id=finding.pk)
    assert again.value.problems[0].code == "finding_decided"
    assert findings_for(personas["quanly"], person.personal_id) == []


def test_dismissing_needs_a_reason_which_the_audit_keeps(found, personas):
    person, component, findings = found
    for reason in ("", "   "):
        with pytest.raises(ValidationFailed) as caught:
            finding_dismiss(
                acting_user=personas["nhaplieu"], finding_id=findings[0].pk, reason=reason
            )
        assert caught.value.problems[0].code == "reason_required"
        assert "lý do" in caught.value.problems[0].message
    assert ConsistencyFinding.objects.get().status == FindingStatus.PROPOSED
    reason = "Bản giấy ghi ngày 12, chữ số 2 bị nhòe nên nhận dạng sai."
    dismissed = finding_dismiss(
        acting_user=personas["nhaplieu"], finding_id=findings[0].pk, reason=reason
    )
    assert (dismissed.status, dismissed.decided_by) == (
        FindingStatus.DISMISSED,
        personas["nhaplieu"],
    )
    event = AuditEvent.objects.get(purpose="consistency_dismiss", action="dossier_write")
    assert (event.action, event.detail["reason"]) == ("dossier_write", reason)
    assert not open_discrepancies(person.personal_id).exists()
    # Answered once: checking the same scan again does not ask again.
    assert component_check(component=component) == []
    assert ConsistencyFinding.objects.count() == 1


def test_an_outsider_cannot_confirm_dismiss_or_list(found, personas):
    person, _component, findings = found
    with pytest.raises(NotFound):
        finding_confirm(acting_user=personas["ngoai"], finding_id=findings[0].pk)
    with pytest.raises(NotFound):
        finding_dismiss(acting_user=personas["ngoai"], finding_id=findings[0].pk, reason="Sai")
    with pytest.raises(NotFound):
        findings_for(personas["ngoai"], person.personal_id)
    with pytest.raises(NotFound):
        finding_confirm(acting_user=personas["quanly"], finding_id=findings[0].pk + 999)
    assert ConsistencyFinding.objects.get().status == FindingStatus.PROPOSED
    assert not open_discrepancies(person.personal_id).exists()
    assert (
        AuditEvent.objects.filter(
            actor_user_id=personas["ngoai"].pk, action="dossier_read_denied"
        ).count()
        == 3
    )


def test_findings_show_only_to_those_who_may_see_the_scan(found, personas):
    person, _component, findings = found
    assert findings_for(personas["quanly"], person.personal_id) == findings
    assert findings_for(personas["nhaplieu"], person.personal_id) == findings
    # A leader opens the dossier up to "personal", the résumé scan is "sensitive".
    assert findings_for(personas["lanhdao"], person.personal_id) == []
    with pytest.raises(NotFound):
        finding_confirm(acting_user=personas["lanhdao"], finding_id=findings[0].pk)
    assert ConsistencyFinding.objects.get().status == FindingStatus.PROPOSED


def test_a_decision_scan_is_compared_with_the_decision_of_the_same_number(
    scans, personas, make_dossier
):
    person = nhung(make_dossier)
    text = scans["decision"][1]
    assert "Nguyễn Thị Hồng Nhung" in text
    PersonnelDecision.objects.create(
        decision_type="appointment",
        number="125/QĐ-UBND",
        signed_date=date(2026, 6, 4),  # the scan says 05/06/2026
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=date(2026, 6, 8),
        effective_date=date(2026, 6, 15),
        personal_id=person.personal_id,
        parameters="{}",
        registered_by=personas["nhaplieu"],
    )
    component = component_of(
        person, scans["decision"], personas["nhaplieu"], kind="decision", title="QĐ 125"
    )
    findings = component_check(component=component)
    assert [(f.field, f.dossier_value, f.scanned_value) for f in findings] == [
        ("career_events.signed_date", "04/06/2026", "05/06/2026")
    ]
    assert findings[0].section == "career_events"
    discrepancy = finding_confirm(acting_user=personas["nhaplieu"], finding_id=findings[0].pk)
    assert discrepancy.sections == ["career_events"]
    assert "«QĐ 125»" in discrepancy.evidence


def test_a_decision_the_dossier_lacks_is_a_finding(scans, personas, make_dossier):
    person = nhung(make_dossier)
    component = component_of(person, scans["decision"], personas["nhaplieu"], kind="decision")
    findings = component_check(component=component)
    assert [(f.field, f.dossier_value, f.scanned_value) for f in findings] == [
        ("career_events.decision_number", "", "125/QĐ-UBND")
    ]


def test_a_handed_over_dossier_gets_no_finding_from_its_scan(scans, personas, make_dossier):
    """The upload pipeline proposes nothing on a read-only trace (R-NO-SILO; issue 14): the
    same scan that gives Nhung's dossier a finding (the `found` fixture) gives none once the
    dossier is handed over."""
    import uuid

    from hoso.federation.models import Handover, HandoverRole, HandoverState

    person = nhung(make_dossier)
    component = component_of(person, scans["resume"], personas["nhaplieu"])
    Handover.objects.create(
        handover_id=uuid.uuid4().hex,
        role=HandoverRole.SENT,
        personal_id=person.personal_id,
        from_node="tinh-a",
        to_node="tinh-b",
        to_agency="Sở Nội vụ tỉnh B",
        state=HandoverState.MOVED,
    )
    assert component_check(component=component) == []
    assert not ConsistencyFinding.objects.filter(personal_id=person.personal_id).exists()
    Handover.objects.filter(personal_id=person.personal_id).update(state=HandoverState.REFUSED)
    assert component_check(component=component)  # the control: the hand-over refused, it checks
