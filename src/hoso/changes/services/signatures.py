"""Storing an approval's signature: the one writer of `ApprovalSignature` (the signing and
checking themselves are in `changes.signatures`)."""

from __future__ import annotations

import hashlib

from hoso.access.models import User
from hoso.changes.models import ApprovalSignature, ChangeSet, DossierVersion
from hoso.changes.signatures import (
    APPROVAL_FORMAT,
    approval_payload,
    certificate_pem,
    sign_checked,
)
from hoso.signing.canonical import canonical
from hoso.signing.keys import SigningKey


def approval_sign(
    *, changeset: ChangeSet, version: DossierVersion, approver: User, key: SigningKey
) -> ApprovalSignature:
    """Sign the approval of `changeset` that made `version`, check it, store it.

    Called by `changesets.changeset_approve` inside its transaction: a refusal here undoes the
    approval.
    """
    username = approver.get_username()
    payload = approval_payload(changeset, version, username)
    signature, _ = sign_checked(payload, key, username)
    return ApprovalSignature.objects.create(
        changeset=changeset,
        version=version,
        payload_format=APPROVAL_FORMAT,
        payload_sha256=hashlib.sha256(canonical(payload)).hexdigest(),
        cms=signature.der,
        signer_certificate=certificate_pem(key.certificate),
        signer_username=username,
        signed_at=signature.signing_time,
    )
