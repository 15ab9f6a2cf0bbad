"""What a person reads on the pages (issue 16, items 3, 6 and 7): catalog codes by their
Vietnamese names, rows of a diff named the same before and after approval, units told apart
by their parents, and a refused copy said rather than offered (R-CLEAN)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.urls import reverse
from tests.web.tour import Vocabulary, pair_leaks, text_leaks

from conftest import login
from hoso.audit.purposes import PURPOSES, Purpose
from hoso.changes.models import ChangeSet
from hoso.changes.services import changesets
from hoso.orgs.models import OrgKind
from hoso.orgs.services import org_create

SRC = Path(__file__).resolve().parents[2] / "src" / "hoso"


def _visible(html: str) -> str:
    """The text of a page without its tags, scripts and styles (what the tour reads)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _award_proposal(personas, person) -> ChangeSet:
    """A certificate of merit dated before the one the dossier has: appended to the proposal,
    it is stored first (awards are kept in date order)."""
    return changesets.changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[
            {
                "op": "add",
                "section": "awards",
                "row": {
                    "award_date": "2019-05-20",
                    "form_code": "certificate_of_merit",
                    "reason": "Hoàn thành xuất sắc nhiệm vụ năm 2018",
                    "decision_number": "12/QĐ-UBND",
                },
            }
        ],
        source_kind="paper",
        paper_confirmed_on=date(2026, 3, 2),
        source_note="Quyết định khen thưởng",
    )


def _labels(html: str, section: str = "Khen thưởng") -> list[str]:
    """The row column of each diff line of `section`."""
    return re.findall(rf"<tr><td>{section}</td><td>([^<]*)</td>", html)


def test_an_award_reads_by_its_name_and_its_row_keeps_its_name_through_approval(
    client, personas, make_dossier
):
    person = make_dossier(
        awards=[{"award_date": "2024-01-15", "form_code": "certificate_of_merit",
                 "reason": "Lao động tiên tiến"}]
    )
    proposal = _award_proposal(personas, person)
    login(client, personas["quanly"])
    before = client.get(reverse("web:changeset", args=[proposal.pk])).content.decode()
    assert "certificate_of_merit" not in before
    assert "Giấy khen" in before
    proposed_rows = set(_labels(before))
    assert proposed_rows == {"20/05/2019, Giấy khen"}

    changesets.changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    url = reverse("web:versions", args=[person.personal_id])
    after = client.get(url, {"tu": 1, "den": 2}).content.decode()
    assert "certificate_of_merit" not in after
    # The same row, named the same, and nothing else of the section reported changed (the
    # older row is now second: rows pair by content, not by their place).
    assert set(_labels(after)) == proposed_rows


def test_the_dossier_names_nationality_job_position_birth_province_and_rank(
    client, personas, make_dossier, orgs
):
    from hoso.staffing.services import PositionSpec, job_position_create

    job = job_position_create(
        acting_user=None, organization=orgs["finance"], code="CM.01.002",
        spec=PositionSpec(name="Chuyên viên quản lý ngân sách", staff_category="civil_servant",
                          rank_code="01.003"),
        valid_from=date(2025, 7, 1),
    )
    person = make_dossier(
        identity={"birth_place_code": "37", "nationality": "VN"},
        positions=[{"organization": "T01.STC", "position_code": "", "is_main": True,
                    "from_date": "2008-09-01", "job_position": job.code}],
    )
    login(client, personas["quanly"])
    html = client.get(reverse("web:dossier", args=[person.personal_id])).content.decode()
    assert re.search(r"Quốc tịch</dt>\s*<dd>Việt Nam", html)
    assert "Chuyên viên quản lý ngân sách (CM.01.002)" in html
    assert "Tỉnh Ninh Bình (mã 37)" in html
    assert "Chuyên viên (01.003)" in html  # officers quote rank codes: beside the name
    vocabulary = Vocabulary.from_database()
    assert text_leaks(_visible(html), vocabulary) == []
    assert pair_leaks([["Quốc tịch", "VN"]], vocabulary) == ["Quốc tịch: VN"]


def test_every_purpose_the_code_passes_to_the_gate_is_a_named_member():
    """A caller of the gate names its purpose with a `Purpose` member, never a loose string,
    so the audit page and the employee's "who read my dossier" always have its Vietnamese
    name (a member without a label would show its English code)."""
    loose = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"purpose\s*=\s*\"([a-z_]+)\"",
            r"_gated\(request, pk, \"([a-z_]+)\"\)",
            r"dossier_(?:access|write|for)\([^)]*, \"([a-z_]+)\"",
        ):
            loose += [f"{path.name}: {code}" for code in re.findall(pattern, text)]
    assert loose == []
    named = [
        m for path in SRC.rglob("*.py") for m in re.findall(r"Purpose\.[A-Z_]+", path.read_text())
    ]
    assert len(named) > 30, "the pattern no longer matches how the code names purposes"
    for member in Purpose:
        assert PURPOSES[member.value] == member.label
        assert member.label != member.value and not member.label.isascii()


def test_units_of_the_same_name_are_told_apart_by_their_parent(
    client, personas, orgs, make_dossier
):
    for parent in (orgs["finance"], orgs["commune"]):
        org_create(
            acting_user=None, code=f"{parent.code}.VP", name="Văn phòng", kind=OrgKind.DIVISION,
            valid_from=date(2025, 7, 1), parent=parent,
        )
    make_dossier(unit="T01.STC.VP")
    make_dossier(unit="T01.XA.VP")
    login(client, personas["quanly"])
    for url in (reverse("web:completeness"), reverse("web:search")):
        html = client.get(url).content.decode()
        assert "Văn phòng — Sở Tài chính" in html, url
        assert "Văn phòng — Ủy ban nhân dân xã Hòa Bình" in html, url
        assert "Phòng Ngân sách —" not in html  # a unique name stays as it is


def test_a_leader_is_told_which_approval_a_resume_copy_needs_instead_of_a_404(
    client, personas, make_dossier
):
    from hoso.documents.services import resume

    person = make_dossier()
    resume.resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    url = reverse("web:components", args=[person.personal_id])

    login(client, personas["lanhdao"])
    html = client.get(url).content.decode()
    assert re.search(r"<button type=\"button\" class=\"button\" disabled[^>]*>Tải bản sao", html)
    assert "Cần văn bản phê duyệt cho phép xem thông tin mức «Dữ liệu cá nhân nhạy cảm»" in html
    assert reverse("web:resume_copy", args=[person.personal_id]) not in html

    login(client, personas["quanly"])
    html = client.get(url).content.decode()
    assert reverse("web:resume_copy", args=[person.personal_id]) in html
    assert "Cần văn bản phê duyệt" not in html
