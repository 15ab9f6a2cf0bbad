"""What a batch approval signs, and the check of a stored batch signature.

The RFC 8785 canonical JSON of

    {"format": "hoso.import.batch/1", "batch": id, "importer": username,
     "approver": username, "items": [{"personal_id", "content_sha256", "changeset",
                                      "version"}, …sorted by personal id]}

rebuilt from the stored batch and its items to verify: a changed item, a changed content hash
or another approver no longer matches the signature. Each dossier's own approval is signed as
well (`changes.signatures`), so every record stays attributable on its own.
"""

from __future__ import annotations

from typing import Any

from hoso.changes.signatures import certificate_problems, trust_roots, with_problems
from hoso.exchange.models import ImportBatch
from hoso.signing.canonical import canonical
from hoso.signing.cms import verify_bytes

BATCH_FORMAT = "hoso.import.batch/1"


def batch_payload(batch: ImportBatch, approver: str) -> dict[str, Any]:
    items = batch.items.select_related("changeset").order_by("personal_id")
    return {
        "format": BATCH_FORMAT,
        "batch": batch.pk,
        "importer": batch.importer.get_username(),
        "approver": approver,
        "items": [
            {
                "personal_id": item.personal_id,
                "content_sha256": item.content_sha256,
                "changeset": item.changeset_id,
                "version": item.changeset.resulting_version,
            }
            for item in items
        ],
    }


def batch_verify(batch: ImportBatch) -> Any:
    """A `hoso.signing.cms.VerificationResult` for the batch's stored signature."""
    payload = batch_payload(batch, batch.signer_username)
    result = verify_bytes(canonical(payload), bytes(batch.signature_cms or b""), trust_roots())
    return with_problems(result, certificate_problems(result, batch))
