"""Reading discrepancies with the paper dossier (R-DISCREPANCY): the open warnings every page
showing the dossier displays, the freeze they put on paper-based approvals, and the signed
verification re-checked. The writes are in `hoso.changes.services.discrepancies`.
Callers pass the access gate first."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hoso.changes.models import ChangeSet, Discrepancy, DiscrepancyStatus, SourceKind
from hoso.changes.signatures import certificate_problems, trust_roots, with_problems
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.people.sections import BY_KEY, field_label
from hoso.signing.cms import VerificationResult, verify_json

VERIFICATION_FORMAT = "hoso.discrepancy.verification/1"


def _section_titles(sections: list[str]) -> str:
    return ", ".join(f"«{BY_KEY[s].title}»" if s in BY_KEY else f"«{s}»" for s in sections)


def _vn_date(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def open_discrepancies(personal_id: str) -> QuerySet[Discrepancy]:
    """The open warnings on a dossier, oldest first. Callers pass the access gate first."""
    return (
        Discrepancy.objects.filter(personal_id=personal_id, status=DiscrepancyStatus.OPEN)
        .select_related("reported_by")
        .order_by("reported_at", "pk")
    )


def discrepancies(personal_id: str) -> QuerySet[Discrepancy]:
    """Every discrepancy of a dossier, open or verified, newest first."""
    return Discrepancy.objects.filter(personal_id=personal_id).select_related(
        "reported_by", "verified_by"
    )


def describe(discrepancy: Discrepancy) -> str:
    """One Vietnamese line naming a discrepancy (for refusals, warnings and commands)."""
    where = _section_titles(list(discrepancy.sections))
    if discrepancy.field:
        section, _, name = discrepancy.field.partition(".")
        label = field_label(BY_KEY[section], name) if section in BY_KEY else discrepancy.field
        where += f", trường «{label}»"
    return (
        f"cảnh báo sai lệch số {discrepancy.pk} (mục {where}) do "
        f"{discrepancy.reported_by.get_username()} báo ngày {_vn_date(discrepancy.reported_at)}"
    )


def freezing(changeset: ChangeSet) -> list[Discrepancy]:
    """The open discrepancies that forbid approving `changeset` now (see the module doc)."""
    if changeset.source_kind != SourceKind.PAPER:
        return []
    touched = set(changeset.sections)
    return [d for d in open_discrepancies(changeset.personal_id) if touched & set(d.sections)]


def freeze_check(changeset: ChangeSet) -> None:
    """Refuse (`ValidationFailed`, code `discrepancy_open`) a change set frozen by an open
    discrepancy; the caller holds the dossier's row lock, so no report slips in between."""
    frozen = freezing(changeset)
    if frozen:
        raise ValidationFailed(
            [
                Problem(
                    "discrepancy_open",
                    f"Hồ sơ đang có {describe(d)}: chưa được phê duyệt thay đổi dựa trên hồ sơ "
                    "giấy ở mục này cho đến khi sai lệch được xác minh.",
                    "sections",
                )
                for d in frozen
            ],
            "Chưa phê duyệt: thay đổi dựa trên hồ sơ giấy đang tạm dừng vì có cảnh báo sai lệch.",
        )


def verification_payload(discrepancy: Discrepancy) -> dict[str, Any]:
    """The JSON document a verification signs: the discrepancy as reported and its resolution."""
    return {
        "format": VERIFICATION_FORMAT,
        "discrepancy": {
            "id": discrepancy.pk,
            "personal_id": discrepancy.personal_id,
            "sections": list(discrepancy.sections),
            "field": discrepancy.field,
            "paper_says": discrepancy.paper_says,
            "evidence": discrepancy.evidence,
            "reported_by": discrepancy.reported_by.get_username(),
            "reported_at": discrepancy.reported_at.astimezone(UTC).isoformat(
                timespec="microseconds"
            ),
        },
        "resolution": {
            "verified_by": discrepancy.verified_by.get_username()
            if discrepancy.verified_by
            else None,
            "verified_on": discrepancy.verified_on.isoformat() if discrepancy.verified_on else None,
            "note": discrepancy.verification_note,
        },
    }


def discrepancy_verify(discrepancy_id: int) -> VerificationResult:
    """Re-check the signed verification of a discrepancy, rebuilt from what is stored now:
    a `hoso.signing.cms.VerificationResult`. `NotFound` when missing or not verified."""
    discrepancy = (
        Discrepancy.objects.select_related("reported_by", "verified_by")
        .filter(pk=discrepancy_id)
        .first()
    )
    if discrepancy is None or not discrepancy.signature_cms:
        raise NotFound("Không có xác minh đã ký của cảnh báo sai lệch này.")
    result = verify_json(
        verification_payload(discrepancy), bytes(discrepancy.signature_cms), trust_roots()
    )
    return with_problems(result, certificate_problems(result, discrepancy))
