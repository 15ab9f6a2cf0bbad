"""The change-set issue's "Done when", end to end: a decision is registered → a change set
proposed → approved and signed → the dossier updated → the obligation counted across Tết, a
compensatory day and a worked Saturday → history and as-of views show it → the signature
verifies with an independent tool (openssl) and fails after one byte is changed."""

from datetime import date

import pytest
from test_approval_signatures import OPENSSL, openssl_verify  # one independent check

from hoso.calendar.engine import ObligationStatus
from hoso.changes import signatures
from hoso.changes.models import Obligation
from hoso.changes.selectors import obligations
from hoso.changes.selectors import versions as selectors
from hoso.changes.services.changesets import changeset_approve
from hoso.changes.services.decisions import decision_register
from hoso.people.models import Person


def register(personas, person, received: date, number: str, parameters: dict):
    return decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="reward",
        number=number,
        signed_date=received.replace(day=1) if received.day > 1 else received,
        issuer="Chủ tịch Ủy ban nhân dân tỉnh",
        received_date=received,
        effective_date=received,
        personal_id=person.personal_id,
        parameters=parameters,
    )


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command is installed with the system")
def test_decision_to_signed_version_with_deadlines_on_the_real_calendar(
    personas, make_dossier, tmp_path
):
    person = make_dossier()
    pid = person.personal_id
    reward = {
        "form_code": "certificate_ministry_province",
        "reason": "Hoàn thành xuất sắc nhiệm vụ năm 2025",
    }
    # Received Fri 13/2/2026, the eve of the Tết break (Sat 14/2 – Sun 22/2): 10 working
    # days, the day received not counted, end on Fri 6/3/2026.
    tet = register(personas, person, date(2026, 2, 13), "12/QĐ-UBND", reward)
    # Received Wed 31/12/2025: Fri 2/1/2026 is the compensatory day off and Sat 10/1/2026 a
    # worked Saturday, so the tenth working day is Thu 15/1/2026.
    new_year = register(
        personas,
        person,
        date(2025, 12, 31),
        "1/QĐ-UBND",
        {**reward, "reason": "Thành tích đột xuất"},
    )
    due = {o.source: o.due_date for o in Obligation.objects.filter(personal_id=pid)}
    assert due[f"decision:{tet.pk}"] == date(2026, 3, 6)
    assert due[f"decision:{new_year.pk}"] == date(2026, 1, 15)

    version = changeset_approve(acting_user=personas["quanly"], changeset_id=tet.changeset_id)
    awards = [a.reason for a in Person.objects.get(pk=person.pk).awards.all()]
    assert "Hoàn thành xuất sắc nhiệm vụ năm 2025" in awards
    duty = Obligation.objects.get(source=f"decision:{tet.pk}")
    assert obligations.status_of(duty) == ObligationStatus.DONE_LATE  # entered months later

    # History and as-of: version 1 is the dossier before, version 2 carries the award.
    assert [v.number for v in selectors.versions(pid)] == [1, 2]
    before, after = (selectors.version_data(v) for v in selectors.versions(pid))
    assert len(after["awards"]) == len(before["awards"]) + 1
    assert selectors.version_as_of(pid, date.today()).number == 2

    # The approval's signature verifies here and with openssl, and not after one byte changes.
    assert signatures.approval_verify(pid, version.number).valid
    payload, der = signatures.approval_payload_bytes(pid, version.number)
    assert openssl_verify(tmp_path, payload, der).returncode == 0
    changed = bytearray(payload)
    changed[len(changed) // 2] ^= 0x01
    assert openssl_verify(tmp_path, bytes(changed), der).returncode != 0
