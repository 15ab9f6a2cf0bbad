"""What the fixity check reads: every stored object and the SHA-256 and size recorded for it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hoso.documents.models import Component, SignedResume


@dataclass(frozen=True)
class StoredObject:
    """One stored file and what was recorded about it."""

    label: str  # Vietnamese, names the object for people
    personal_id: str
    key: str
    sha256: str
    size: int | None
    component: Component | None = None
    resume: SignedResume | None = None


def stored_objects() -> Iterator[StoredObject]:
    """Every stored object: each component's original and PDF/A copy, each signed résumé."""
    for c in Component.objects.order_by("pk").iterator():
        yield StoredObject(
            label=f"bản gốc của thành phần #{c.pk} «{c.title}» (hồ sơ {c.personal_id})",
            personal_id=c.personal_id,
            key=c.original_key,
            sha256=c.original_sha256,
            size=c.original_size,
            component=c,
        )
        if c.pdfa_key:
            yield StoredObject(
                label=f"bản PDF/A của thành phần #{c.pk} «{c.title}» (hồ sơ {c.personal_id})",
                personal_id=c.personal_id,
                key=c.pdfa_key,
                sha256=c.pdfa_sha256,
                size=c.pdfa_size,
                component=c,
            )
    for r in SignedResume.objects.order_by("pk").iterator():
        yield StoredObject(
            label=f"sơ yếu lý lịch đã ký #{r.pk} (hồ sơ {r.personal_id}, phiên bản "
            f"{r.version_number})",
            personal_id=r.personal_id,
            key=r.key,
            sha256=r.sha256,
            size=r.size,
            resume=r,
        )
