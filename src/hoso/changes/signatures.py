"""Signed approvals (R-CORRECT): who holds which signing key, what an approval signs, and
the check of a stored signature.

**Keys.** `signing_key_for(user)` returns the user's `SigningKey`. The node's provider
(setting `HOSO_SIGNING_KEY_PROVIDER`, a dotted path; default `file_signing_key`) reads
`<HOSO_SIGNING_DIR>/<username>.key.pem` (PKCS#8, mode 600, optionally encrypted with
`HOSO_SIGNING_KEY_PASSPHRASE`) and `<username>.cert.pem` (the certificate, then its chain). A
PKCS#11 token or a remote signing service is another provider returning another `SigningKey`
(docs/decisions/0007-signatures.md); nothing else changes. Trusted roots: the PEM bundle
`HOSO_SIGNING_TRUST_ROOTS` (default `<HOSO_SIGNING_DIR>/ca.pem`).

**What an approval signs.** The RFC 8785 canonical JSON of

    {"format": "hoso.changeset.approval/1",
     "changeset": {id, personal_id, creates_dossier, operations, sections, source_kind,
                   paper_confirmed_on, source_note, base_version, proposer, approver},
     "version": {"personal_id", "number", "sha256"}}

`version.sha256` is recomputed from the stored snapshot whenever the payload is built, so a
changed snapshot (even with its stored hash left alone) no longer matches the signature.

**Verification** (`approval_verify`) rebuilds that payload from the stored change set and
version and checks the stored CMS against the trusted roots, the stored certificate and the
approver's name; any difference is a Vietnamese reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils.module_loading import import_string

from hoso.access.models import User
from hoso.changes.models import ApprovalSignature, ChangeSet, DossierVersion
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.signing.batch import signer_for
from hoso.signing.canonical import canonical
from hoso.signing.cms import serial_hex, verify_bytes, verify_json
from hoso.signing.errors import SigningError
from hoso.signing.keys import FileSigningKey, SigningKey, certificates_load

APPROVAL_FORMAT = "hoso.changeset.approval/1"
CA_BUNDLE = "ca.pem"
CA_SUBDIRECTORY = "ca"


# --- Where keys and roots live ------------------------------------------------------------------


def signing_dir() -> Path:
    configured = getattr(settings, "HOSO_SIGNING_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "pki"


def trust_roots_path() -> Path:
    configured = getattr(settings, "HOSO_SIGNING_TRUST_ROOTS", None)
    return Path(configured) if configured else signing_dir() / CA_BUNDLE


def trust_roots() -> list[x509.Certificate]:
    """The roots approvals are checked against; none (trust nobody) when the file is missing."""
    path = trust_roots_path()
    return certificates_load(path) if path.exists() else []


def _no_key(username: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                "signing_key_missing",
                f"Tài khoản «{username}» chưa được cấp khóa ký số và chứng thư số trên hệ thống, "
                "nên chưa ký số được. Đề nghị quản trị hệ thống cấp chứng thư số.",
            )
        ],
        "Phê duyệt và xác minh đều phải được ký số; chưa ghi gì.",
    )


def file_signing_key(user: User) -> SigningKey:
    """The file-backed key of `user` in `signing_dir()`, or `ValidationFailed`."""
    username = str(user.get_username())
    # Usernames cannot hold a slash, but a file name is built from it: refuse anything odd.
    if not username or Path(username).name != username or username.startswith("."):
        raise _no_key(username)
    directory = signing_dir()
    key_file = directory / f"{username}.key.pem"
    cert_file = directory / f"{username}.cert.pem"
    if not key_file.exists() or not cert_file.exists():
        raise _no_key(username)
    try:
        return FileSigningKey.from_files(
            key_file,
            cert_file,
            passphrase=getattr(settings, "HOSO_SIGNING_KEY_PASSPHRASE", None),
        )
    except SigningError as exc:
        raise ValidationFailed(
            [Problem(exc.code, exc.message)],
            "Không dùng được khóa ký số của bạn; chưa ghi gì.",
        ) from exc


def signing_key_for(user: User) -> SigningKey:
    """The signing key of `user` from the node's provider (`HOSO_SIGNING_KEY_PROVIDER`)."""
    provider = getattr(settings, "HOSO_SIGNING_KEY_PROVIDER", "") or (
        "hoso.changes.signatures.file_signing_key"
    )
    return import_string(provider)(user)


def sign_checked(payload: dict[str, Any], key: SigningKey, username: str) -> tuple[Any, Any]:
    """Sign `payload` and verify the fresh signature against the trusted roots now.

    A signature that would not verify (certificate expired, not issued by a trusted root, no
    nonRepudiation) is refused here rather than stored: `ValidationFailed` with the reasons.
    Returns (Signature, VerificationResult).
    """
    try:
        signature = signer_for(key).sign(canonical(payload))
    except SigningError as exc:
        raise ValidationFailed(
            [Problem(exc.code, exc.message)], "Không ký được; chưa ghi gì."
        ) from exc
    result = verify_json(payload, signature, trust_roots())
    if not result.valid:
        raise ValidationFailed(
            list(result.problems),
            f"Chữ ký số của «{username}» không kiểm tra được là hợp lệ; chưa ghi gì.",
        )
    return signature, result


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


# --- What an approval signs ---------------------------------------------------------------------


def snapshot_sha256(version: DossierVersion) -> str:
    """SHA-256 of the canonical bytes of the version's snapshot, recomputed from its content."""
    return hashlib.sha256(canonical(json.loads(version.snapshot))).hexdigest()


def approval_payload(
    changeset: ChangeSet, version: DossierVersion, approver: str
) -> dict[str, Any]:
    return {
        "format": APPROVAL_FORMAT,
        "changeset": {
            "id": changeset.pk,
            "personal_id": changeset.personal_id,
            "creates_dossier": changeset.creates_dossier,
            "operations": json.loads(changeset.operations),
            "sections": list(changeset.sections),
            "source_kind": changeset.source_kind,
            "paper_confirmed_on": (
                changeset.paper_confirmed_on.isoformat() if changeset.paper_confirmed_on else None
            ),
            "source_note": changeset.source_note,
            "base_version": changeset.base_version,
            "proposer": changeset.proposer.get_username(),
            "approver": approver,
        },
        "version": {
            "personal_id": version.personal_id,
            "number": version.number,
            "sha256": snapshot_sha256(version),
        },
    }


# --- Verification -------------------------------------------------------------------------------


def _version_signature(personal_id: str, version_number: int) -> ApprovalSignature:
    version = (
        DossierVersion.objects.filter(personal_id=personal_id, number=version_number)
        .select_related("changeset")
        .first()
    )
    if version is None:
        raise NotFound(f"Không có phiên bản {version_number} của hồ sơ {personal_id}.")
    stored = (
        ApprovalSignature.objects.filter(version=version)
        .select_related("changeset__proposer", "changeset__reviewer", "version")
        .first()
    )
    if stored is None:
        if version.changeset_id is None:
            raise NotFound(
                f"Phiên bản {version_number} ghi lại hồ sơ trước khi được quản lý theo phiên bản "
                "(nhập, khởi tạo), không do phê duyệt tạo ra nên không có chữ ký phê duyệt."
            )
        raise NotFound(f"Phiên bản {version_number} không có chữ ký phê duyệt.")
    return stored


def approval_payload_bytes(personal_id: str, version_number: int) -> tuple[bytes, bytes]:
    """(canonical payload rebuilt from what is stored now, stored CMS DER): the two files an
    independent verifier needs besides the trusted root."""
    stored = _version_signature(personal_id, version_number)
    payload = approval_payload(stored.changeset, stored.version, stored.signer_username)
    return canonical(payload), bytes(stored.cms)


def approval_verify(personal_id: str, version_number: int, *, now: datetime | None = None) -> Any:
    """Check the approval signature of one version: a `hoso.signing.cms.VerificationResult`
    (signer, certificate serial, signing time, valid, Vietnamese reasons).

    Raises `NotFound` when there is no such version or it carries no approval signature.
    Callers pass the access gate first.
    """
    stored = _version_signature(personal_id, version_number)
    changeset, version = stored.changeset, stored.version
    problems: list[Problem] = []
    approver = changeset.reviewer.get_username() if changeset.reviewer else ""
    if approver != stored.signer_username or version.changeset_id != changeset.pk:
        problems.append(
            Problem(
                "approver_mismatch",
                f"Người ký «{stored.signer_username}» không phải người đã phê duyệt thay đổi "
                f"«{approver or '—'}».",
            )
        )
    if snapshot_sha256(version) != version.sha256:
        problems.append(
            Problem(
                "snapshot_changed",
                f"Nội dung phiên bản {version.number} không khớp với mã băm SHA-256 đã ghi: "
                "phiên bản đã bị sửa sau khi được phê duyệt.",
            )
        )
    payload = approval_payload(changeset, version, stored.signer_username)
    result = verify_bytes(canonical(payload), bytes(stored.cms), trust_roots(), now=now)
    return with_problems(result, [*problems, *certificate_problems(result, stored)])


def serial_of(stored: Any) -> str:
    """The serial number of the certificate recorded beside a stored signature."""
    return serial_hex(certificates_load(stored.signer_certificate.encode("ascii"))[0])


def certificate_problems(result: Any, stored: Any) -> list[Problem]:
    """The certificate inside the signature must be the one recorded when it was stored."""
    if result.certificate_serial and result.certificate_serial != serial_of(stored):
        return [
            Problem(
                "certificate_mismatch",
                "Chứng thư số trong chữ ký khác với chứng thư đã ghi lại khi ký.",
            )
        ]
    return []


def with_problems(result: Any, problems: list[Problem]) -> Any:
    """`result` with further reasons, and then invalid."""
    if not problems:
        return result
    return dataclasses.replace(result, valid=False, problems=(*result.problems, *problems))
