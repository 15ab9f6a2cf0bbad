"""A résumé already signed for the same dossier version is not rendered or signed again
(issue 13: WeasyPrint takes 0.5–1 s a résumé): the stored signed PDF is returned, still
behind the gate and the records manager's duty, audited as reused; a new version, or stored
bytes that no longer match their record, are signed anew."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from resume_helpers import rich_dossier, seal_key_ready_fixture  # noqa: F401 (fixtures)

from conftest import login
from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.core.dates import today
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import PreservationEvent, SignedResume
from hoso.documents.resume_pdf import SIGNATURE_FIELD, signatures_check
from hoso.documents.services.resume import resume_issue
from hoso.documents.services.serving import copy_serve
from hoso.documents.stamping import STAMP_FIELD


@pytest.fixture
def person(orgs):
    from hoso.people.services import dossier_create

    return dossier_create(acting_user=None, data=rich_dossier())


def sign_events():
    return list(AuditEvent.objects.filter(action=AuditAction.RESUME_SIGN).order_by("pk"))


def test_signing_the_same_version_again_returns_the_stored_resume(person, personas):
    first = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    again = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    assert (first.reused, again.reused) == (False, True)
    assert again.pk == first.pk and again.sha256 == first.sha256
    assert SignedResume.objects.count() == 1
    assert PreservationEvent.objects.filter(resume=first).count() == 1  # signed once
    events = sign_events()
    assert [e.outcome for e in events] == [AuditOutcome.OK, AuditOutcome.OK]
    assert "reused" not in events[0].detail
    assert (events[1].detail["reused"], events[1].detail["resume"]) == (True, first.pk)


def test_the_copy_of_a_reused_resume_keeps_both_signatures_valid(person, personas, seal_key_ready):
    resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    served = copy_serve(
        user=personas["nhaplieu"], personal_id=person.personal_id, purpose=Purpose.RESUME_COPY
    )
    checks = {c.field_name: c for c in signatures_check(served.content)}
    assert set(checks) == {SIGNATURE_FIELD, STAMP_FIELD}
    assert all(c.valid and c.docmdp_ok for c in checks.values())


def test_a_new_dossier_version_is_signed_anew(person, personas):
    from hoso.changes.services.changesets import changeset_approve, changeset_propose

    first = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[
            {"op": "set", "section": "identity", "values": {"current_residence": "Số 9 Tràng Tiền"}}
        ],
        source_kind="paper",
        paper_confirmed_on=today(),
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    second = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    assert second.pk != first.pk and not second.reused
    assert second.version_number > first.version_number


def test_a_stored_resume_that_no_longer_matches_its_record_is_signed_anew(person, personas):
    first = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    SignedResume.objects.filter(pk=first.pk).update(sha256="0" * 64)
    second = resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    assert second.pk != first.pk and not second.reused
    assert SignedResume.objects.count() == 2


def test_reuse_still_asks_the_duty_first(person, personas):
    resume_issue(acting_user=personas["quanly"], personal_id=person.personal_id)
    with pytest.raises(DocumentRefused) as refused:
        resume_issue(acting_user=personas["nhaplieu"], personal_id=person.personal_id)
    assert refused.value.code == "not_records_manager"
    assert [e.outcome for e in sign_events()] == [AuditOutcome.OK, AuditOutcome.DENY]


def test_the_api_answers_200_and_reused_for_an_already_signed_version(person, personas):
    token = token_create(acting_user=None, user=personas["quanly"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/people/{person.personal_id}/resume"
    created = client.post(url)
    assert created.status_code == 201 and created.json()["reused"] is False
    again = client.post(url)
    assert again.status_code == 200, again.content
    assert again.json()["reused"] is True and again.json()["id"] == created.json()["id"]


def test_the_page_says_the_signed_resume_was_kept(person, personas, client):
    signed_in = login(client, personas["quanly"])
    url = reverse("web:resume_sign", args=[person.personal_id])
    signed_in.post(url)
    page = signed_in.post(url, follow=True).content.decode()
    assert "chữ ký vẫn hợp lệ: dùng bản đã ký, không ký lại" in page
    assert SignedResume.objects.count() == 1
