"""Every approval is signed by the approver, and the signature can be checked — by hoso and by
OpenSSL — against the change set and version as stored (R-CORRECT)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from hoso.access.models import Role
from hoso.access.services import role_assign, user_create
from hoso.changes import signatures
from hoso.changes.models import ApprovalSignature, ChangeSet, ChangeStatus, DossierVersion
from hoso.changes.services.changesets import changeset_approve, changeset_propose
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


def propose(personas, person, **kw):
    return changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "add", "section": "training", "row": NEW_TRAINING}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 2),
        source_note=kw.pop("source_note", "Bản sao chứng chỉ trong hồ sơ giấy"),
        **kw,
    )


def records_manager(orgs, username):
    account = user_create(
        acting_user=None, username=username, password="x" * 14, full_name="Quản lý mới"
    )
    role_assign(
        acting_user=None,
        user=account,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    return account


@pytest.fixture
def approved(personas, make_dossier):
    person = make_dossier()
    version = changeset_approve(
        acting_user=personas["quanly"], changeset_id=propose(personas, person).pk
    )
    return person, version


def test_an_approval_is_signed_and_verifies(approved):
    person, version = approved
    stored = ApprovalSignature.objects.get(version=version)
    assert stored.changeset_id == version.changeset_id and stored.signer_username == "quanly"
    result = signatures.approval_verify(person.personal_id, version.number)
    assert result.valid, result.reasons
    assert result.signer_name == "Người ký quanly" and result.signer_username == "quanly"
    assert result.certificate_serial == signatures.serial_of(stored)
    assert abs(result.signing_time - datetime.now(UTC)) < timedelta(minutes=1)
    assert result.signing_time == stored.signed_at


def test_what_is_signed_is_the_change_set_and_the_version(approved):
    person, version = approved
    payload, _ = signatures.approval_payload_bytes(person.personal_id, version.number)
    document = json.loads(payload)
    assert document["format"] == "hoso.changeset.approval/1"
    assert document["version"] == {
        "personal_id": person.personal_id,
        "number": 2,
        "sha256": version.sha256,
    }
    changeset = document["changeset"]
    assert changeset["id"] == version.changeset_id
    assert changeset["operations"] == [{"op": "add", "section": "training", "row": NEW_TRAINING}]
    assert (changeset["source_kind"], changeset["proposer"], changeset["approver"]) == (
        "paper",
        "nhaplieu",
        "quanly",
    )
    assert ApprovalSignature.objects.get(version=version).payload_sha256 == (
        __import__("hashlib").sha256(payload).hexdigest()
    )


def test_a_changed_snapshot_fails_verification(approved):
    person, version = approved
    data = json.loads(version.snapshot)
    data["identity"]["full_name"] = "Nguyễn Văn Ân"
    DossierVersion.objects.filter(pk=version.pk).update(snapshot=json.dumps(data))
    result = signatures.approval_verify(person.personal_id, version.number)
    assert not result.valid
    assert {"data_changed", "snapshot_changed"} <= set(result.codes)


@pytest.mark.parametrize(
    "change",
    [
        {"source_note": "Quyết định khác"},
        {"source_kind": "decision"},
        {
            "operations": json.dumps(
                [{"op": "add", "section": "training", "row": {**NEW_TRAINING, "mode": "x"}}]
            )
        },
    ],
)
def test_a_changed_change_set_fails_verification(approved, change):
    person, version = approved
    ChangeSet.objects.filter(pk=version.changeset_id).update(**change)
    result = signatures.approval_verify(person.personal_id, version.number)
    assert not result.valid and "data_changed" in result.codes


def test_an_approver_without_a_signing_key_cannot_approve(personas, orgs, make_dossier):
    person = make_dossier()
    proposal = propose(personas, person)
    newcomer = records_manager(orgs, "quanly.chuacokhoa")
    with pytest.raises(ValidationFailed) as caught:
        changeset_approve(acting_user=newcomer, changeset_id=proposal.pk)
    assert caught.value.problems[0].code == "signing_key_missing"
    assert "chưa được cấp khóa ký số" in caught.value.problems[0].message
    proposal.refresh_from_db()
    assert proposal.status == ChangeStatus.PROPOSED
    assert Training.objects.filter(person=person).count() == 1
    assert not DossierVersion.objects.filter(personal_id=person.personal_id).exists()
    assert not ApprovalSignature.objects.exists()


def test_an_expired_certificate_cannot_sign_an_approval(personas, orgs, make_dossier):
    from hoso.signing.pki import ca_load, signer_issue

    directory = signatures.signing_dir()
    now = datetime.now(UTC)
    signer_issue(
        ca_load(directory / "ca"),
        username="quanly.hethan",
        full_name="Quản lý hết hạn",
        organization="Cơ quan thử nghiệm",
        directory=directory,
        valid_from=now - timedelta(days=400),
        valid_until=now - timedelta(days=1),
    )
    person = make_dossier()
    proposal = propose(personas, person)
    with pytest.raises(ValidationFailed) as caught:
        changeset_approve(
            acting_user=records_manager(orgs, "quanly.hethan"), changeset_id=proposal.pk
        )
    assert "certificate_expired" in {p.code for p in caught.value.problems}
    assert ChangeSet.objects.get(pk=proposal.pk).status == ChangeStatus.PROPOSED
    assert not ApprovalSignature.objects.exists()


def test_a_signature_from_an_untrusted_root_is_invalid(approved, tmp_path, settings):
    from hoso.signing.keys import KeyAlgorithm
    from hoso.signing.pki import ca_create

    person, version = approved
    stranger = ca_create("CA lạ", tmp_path, key_algorithm=KeyAlgorithm.EC_P256)
    settings.HOSO_SIGNING_TRUST_ROOTS = stranger.cert_path
    result = signatures.approval_verify(person.personal_id, version.number)
    assert not result.valid and "untrusted_issuer" in result.codes


def test_a_version_without_approval_has_no_signature(approved):
    person, _ = approved
    with pytest.raises(NotFound, match="trước khi được quản lý theo phiên bản"):
        signatures.approval_verify(person.personal_id, 1)
    with pytest.raises(NotFound):
        signatures.approval_verify(person.personal_id, 9)


OPENSSL = shutil.which("openssl")


def openssl_verify(directory, payload: bytes, der: bytes) -> subprocess.CompletedProcess[str]:
    (directory / "payload.json").write_bytes(payload)
    (directory / "sig.der").write_bytes(der)
    assert OPENSSL, "the openssl command is needed for the independent check"
    return subprocess.run(
        [
            OPENSSL,
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(directory / "sig.der"),
            "-content",
            str(directory / "payload.json"),
            "-CAfile",
            str(signatures.trust_roots_path()),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_openssl_verifies_the_same_signature_and_refuses_a_changed_byte(approved, tmp_path):
    person, version = approved
    payload, der = signatures.approval_payload_bytes(person.personal_id, version.number)
    good = openssl_verify(tmp_path, payload, der)
    assert good.returncode == 0, good.stderr
    assert "Verification successful" in good.stderr
    changed = bytearray(payload)
    at = payload.index(b"quanly")
    changed[at] ^= 0x01
    bad = openssl_verify(tmp_path, bytes(changed), der)
    assert bad.returncode != 0
    assert "Verification failure" in bad.stderr or "digest failure" in bad.stderr.lower()


def test_the_command_prints_the_result_and_exits_0_or_1(approved, tmp_path):
    person, version = approved
    out = StringIO()
    call_command(
        "changes",
        "verify",
        "--person",
        person.personal_id,
        "--version",
        str(version.number),
        "--out",
        str(tmp_path / "kiemtra"),
        stdout=out,
    )
    text = out.getvalue()
    assert "HỢP LỆ" in text and "Người ký: Người ký quanly" in text
    assert "Chứng thư số: số hiệu" in text and "Thời điểm ký" in text
    written = tmp_path / "kiemtra"
    assert (
        openssl_verify(
            tmp_path,
            (written / "payload.json").read_bytes(),
            (written / "signature.der").read_bytes(),
        ).returncode
        == 0
    )
    assert (written / "ca.pem").read_bytes() == signatures.trust_roots_path().read_bytes()

    ChangeSet.objects.filter(pk=version.changeset_id).update(source_note="Sửa sau khi ký")
    err = StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command(
            "changes",
            "verify",
            "--person",
            person.personal_id,
            "--version",
            str(version.number),
            stdout=StringIO(),
            stderr=err,
        )
    assert caught.value.code == 1
    assert "KHÔNG HỢP LỆ" in err.getvalue() and "data_changed" in err.getvalue()
    with pytest.raises(SystemExit) as caught:
        call_command(
            "changes",
            "verify",
            "--person",
            person.personal_id,
            "--version",
            "1",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert caught.value.code == 1
