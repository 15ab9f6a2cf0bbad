"""A decision from receipt to dossier: registered → change set proposed → approved by another
person → dossier updated → duty done on time or late → history and as-of views show before
and after (R-10D-DECISION, R-LIVE, R-EQUIV, R-APPOINT-SAFE)."""

from datetime import date, timedelta

import pytest
from django.test import Client
from tests.eligibility.helpers import eligible

from hoso.access.services import token_create
from hoso.calendar.engine import ObligationStatus
from hoso.calendar.selectors import calendar
from hoso.changes.models import ChangeStatus, DossierVersion, Obligation
from hoso.changes.selectors import obligations
from hoso.changes.selectors import versions as selectors
from hoso.changes.services import obligations as obligation_services
from hoso.changes.services.changesets import changeset_approve
from hoso.changes.services.decisions import decision_register
from hoso.core.dates import today as local_today
from hoso.core.errors import ValidationFailed
from hoso.people.models import Person

ISSUER = "Ủy ban nhân dân tỉnh Thử Nghiệm"


def test_an_appointment_entered_in_time_is_done_on_time_and_kept_in_history(personas, make_dossier):
    person = make_dossier(**eligible("deputy_director_so"))
    pid = person.personal_id
    today = local_today()
    decision = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="appointment",
        number="88/QĐ-UBND",
        signed_date=today - timedelta(days=3),
        issuer=ISSUER,
        received_date=today,
        effective_date=today - timedelta(days=1),
        personal_id=pid,
        parameters={"position_code": "deputy_director_so"},
    )

    # Proposed, not applied: the dossier is as it was; the duty runs from the day received.
    assert decision.changeset.status == ChangeStatus.PROPOSED
    assert Person.objects.get(pk=person.pk).current_position_code == ""
    assert not selectors.versions(pid).exists()
    (duty,) = Obligation.objects.filter(source=f"decision:{decision.pk}")
    assert duty.due_date == calendar().add_working_days(today, 10)
    assert obligations.status_of(duty) == ObligationStatus.ON_TIME

    version = changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)

    # Applied: the dossier shows the new post; the duty is done, on time.
    assert Person.objects.get(pk=person.pk).current_position_code == "deputy_director_so"
    duty.refresh_from_db()
    assert obligations.done_on(duty) == today
    assert obligations.status_of(duty) == ObligationStatus.DONE
    # The hook the approval calls stores the moment; the status does not change.
    decision.changeset.refresh_from_db()
    obligation_services.obligations_mark_done_for_changeset(changeset=decision.changeset)
    duty.refresh_from_db()
    assert duty.done_at == decision.changeset.reviewed_at
    assert obligations.status_of(duty) == ObligationStatus.DONE

    # History: version 1 is the dossier before, version 2 after, and they compare.
    assert [v.number for v in selectors.versions(pid)] == [1, 2] and version.number == 2
    before = selectors.version_data(selectors.versions(pid).first())
    after = selectors.version_data(version)
    assert [p["position_code"] for p in before["positions"]] == [""]
    assert [p["position_code"] for p in after["positions"]] == ["", "deputy_director_so"]
    assert not before["career_events"] and after["career_events"][0]["decision_number"] == (
        "88/QĐ-UBND"
    )
    changed = {(c.section, c.row, c.field) for c in selectors.versions_compare(pid, 1, 2)}
    assert {
        ("positions", 0, "to_date"),
        ("positions", 1, "position_code"),
        ("career_events", 0, "decision_type"),
        ("work_history", 1, "title"),
    } <= changed

    # As of a day: version 1 stands for the dossier before hoso versioned it; dated to
    # yesterday here, the as-of view shows it before and version 2 after.
    yesterday = today - timedelta(days=1)
    first = selectors.versions(pid).first()
    DossierVersion.objects.filter(pk=first.pk).update(
        created_at=first.created_at - timedelta(days=1)
    )
    assert selectors.version_as_of(pid, yesterday).number == 1
    assert selectors.version_as_of(pid, today).number == 2
    assert selectors.version_as_of(pid, today - timedelta(days=30)) is None


def test_a_discipline_entered_after_the_deadline_is_done_late_and_then_blocks_a_promotion(
    personas, make_dossier
):
    person = make_dossier()
    decision = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="discipline",
        number="21/QĐ-KL",
        signed_date=date(2026, 2, 12),
        issuer=ISSUER,
        received_date=date(2026, 2, 13),  # the Friday before Tết
        effective_date=date(2026, 2, 13),
        personal_id=person.personal_id,
        parameters={"form_code": "reprimand", "reason": "Vi phạm quy chế làm việc"},
    )
    (duty,) = Obligation.objects.filter(source=f"decision:{decision.pk}")
    assert duty.due_date == date(2026, 3, 6)
    assert obligations.status_of(duty, today=date(2026, 3, 4)) == ObligationStatus.DUE_SOON
    assert obligations.status_of(duty, today=date(2026, 3, 9)) == ObligationStatus.OVERDUE

    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    duty.refresh_from_db()
    assert obligations.done_on(duty) == local_today()
    assert obligations.status_of(duty) == ObligationStatus.DONE_LATE

    # The dossier is no longer "clean": an appointment inside the 12 months is refused.
    with pytest.raises(ValidationFailed) as caught:
        decision_register(
            acting_user=personas["nhaplieu"],
            decision_type="appointment",
            number="90/QĐ-UBND",
            signed_date=date(2026, 11, 2),
            issuer=ISSUER,
            received_date=date(2026, 11, 3),
            effective_date=date(2026, 11, 3),
            personal_id=person.personal_id,
            parameters={"position_code": "deputy_director_so"},
        )
    assert caught.value.problems[0].code == "under_discipline"
    assert "13/02/2027" in caught.value.problems[0].message


def test_the_api_follows_a_decision_from_registration_to_done(personas, make_dossier):
    person = make_dossier(**eligible())
    clerk, manager = (
        Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=personas[u])}")
        for u in ("nhaplieu", "quanly")
    )
    created = clerk.post(
        "/api/v1/decisions",
        {
            "decision_type": "salary_raise_regular",
            "number": "305/QĐ-STC",
            "signed_date": "2026-02-12",
            "issuer": "Sở Tài chính",
            "received_date": "2026-02-13",
            "effective_date": "2026-02-13",
            "personal_id": person.personal_id,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    decision_id = created.json()["id"]
    listed = manager.get("/api/v1/obligations", {"status": "overdue"}).json()
    assert [r["source"] for r in listed["results"]] == [f"decision:{decision_id}"]

    changeset_approve(
        acting_user=personas["quanly"], changeset_id=created.json()["changeset"]["id"]
    )
    shown = manager.get(f"/api/v1/decisions/{decision_id}").json()
    assert (
        shown["changeset"]["status"] == "applied" and shown["changeset"]["resulting_version"] == 2
    )
    (duty,) = shown["obligations"]
    assert (duty["status"], duty["due_date"], duty["done_on"]) == (
        "done_late",
        "2026-03-06",
        local_today().isoformat(),
    )
    assert manager.get("/api/v1/obligations", {"status": "overdue"}).json()["count"] == 0
    assert Person.objects.get(pk=person.pk).current_salary_step == 3
