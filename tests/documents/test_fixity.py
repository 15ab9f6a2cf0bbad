"""The fixity check reads every stored file back and catches any change on disk, loudly."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.documents.components_common import NHUNG, documents_sandbox  # noqa: F401
from tests.documents.scans import scan

from hoso.access.policies import alert_scope
from hoso.audit.models import Alert, AuditAction, AuditEvent, AuditOutcome
from hoso.documents.models import (
    PreservationEvent,
    PreservationEventType,
    PreservationOutcome,
    SignedResume,
)
from hoso.documents.services.components import component_add
from hoso.documents.services.fixity import FIXITY_ALERT_KIND, fixity_check
from hoso.documents.storage import storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(make_dossier, personas, django_capture_on_commit_callbacks):
    """A person with one component (original only: its processing is not run) and a signed
    résumé row."""
    person = make_dossier(full_name=NHUNG, sex="F")
    with django_capture_on_commit_callbacks(execute=False):
        component = component_add(
            acting_user=personas["nhaplieu"],
            personal_id=person.personal_id,
            kind="diploma",
            title="Bằng cử nhân",
            filename="bang.png",
            content=io.BytesIO(scan(["Bằng cử nhân"], "PNG")),
        )
    data = b"%PDF-1.7 signed resume stand-in"
    put = storage().put([data])
    resume = SignedResume.objects.create(
        personal_id=person.personal_id,
        version_number=1,
        signer=personas["quanly"],
        signer_username="quanly",
        certificate_serial="01",
        signed_at=timezone.now(),
        key=put.key,
        sha256=put.sha256,
        size=put.size,
    )
    return person, component, resume


def fixity_events(outcome):
    return PreservationEvent.objects.filter(
        event_type=PreservationEventType.FIXITY_CHECK, outcome=outcome
    )


def test_all_files_intact_pass_quietly(stored, capsys):
    report = fixity_check()
    assert report.ok and report.checked == 2
    assert fixity_events(PreservationOutcome.SUCCESS).count() == 2
    assert not Alert.objects.exists()
    call_command("fixity")
    assert "OK: 2 tệp" in capsys.readouterr().out


def test_a_file_altered_on_disk_is_caught_named_audited_and_alerted(stored, personas, capsys):
    person, component, resume = stored
    path = storage().raw_path(component.original_key)
    raw = bytearray(path.read_bytes())
    raw[-40] ^= 0x01  # one bit of the stored file
    path.write_bytes(bytes(raw))

    report = fixity_check()
    assert not report.ok
    assert [f.key for f in report.failures] == [component.original_key]
    assert f"#{component.pk}" in report.failures[0].label
    failed = fixity_events(PreservationOutcome.FAILURE).get()
    assert failed.component_id == component.pk
    assert fixity_events(PreservationOutcome.SUCCESS).get().resume_id == resume.pk
    error = AuditEvent.objects.filter(
        action=AuditAction.FIXITY, outcome=AuditOutcome.ERROR, personal_id=person.personal_id
    ).get()
    assert error.detail["component"] == component.pk
    alert = Alert.objects.get(kind=FIXITY_ALERT_KIND)
    assert "bản gốc" in alert.message
    # The auditor of the person's province sees the alert; an outsider's duty does not.
    assert Alert.objects.filter(alert_scope(personas["thanhtra"])).filter(pk=alert.pk).exists()

    with pytest.raises(SystemExit) as exit_:
        call_command("fixity")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "LỖI TOÀN VẸN" in err and f"thành phần #{component.pk}" in err


def test_a_missing_file_is_caught(stored):
    _, _, resume = stored
    storage().raw_path(resume.key).unlink()
    report = fixity_check()
    assert [f.key for f in report.failures] == [resume.key]
    assert "không đọc" in report.failures[0].reason
