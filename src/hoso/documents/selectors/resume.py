"""Which state of a dossier a résumé is rendered from, who may sign it, and the signed résumés
kept (callers pass the access gate first)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from hoso.access import policies
from hoso.access.models import Role, User
from hoso.access.system import system_dossier
from hoso.audit.purposes import Purpose
from hoso.changes.selectors import versions as change_selectors
from hoso.core.dates import vn
from hoso.documents.errors import DocumentRefused
from hoso.documents.models import SignedResume
from hoso.documents.resume_pdf import ResumeSource, as_of_check, printable
from hoso.people.models import Person


def version_in_force(person: Person, as_of: date | None = None) -> Any:
    """The `DossierVersion` in force at the end of `as_of` (the latest when None); None for a
    dossier no approval has versioned yet (version 0, its live tables). `DocumentRefused`
    (`as_of_future`, `no_version_as_of`) when there is no state for that day."""
    as_of_check(as_of)
    pid = person.personal_id
    latest = change_selectors.versions(pid).order_by("-number").first()
    if latest is None:
        if as_of is not None and as_of < timezone.localdate(person.created_at):
            raise _no_version(as_of)
        return None
    version = latest if as_of is None else change_selectors.version_as_of(pid, as_of)
    if version is None:
        raise _no_version(as_of)
    return version


def resume_source(
    person: Person, as_of: date | None = None, *, acting_user: User | None = None
) -> ResumeSource:
    """The dossier state the résumé of `as_of` is rendered from (see `version_in_force`).
    Callers pass the access gate first; a dossier no approval has versioned yet is read with
    the named system reader, on behalf of `acting_user`."""
    version = version_in_force(person, as_of)
    if version is None:
        data = system_dossier(purpose=Purpose.SYSTEM_RESUME, person=person, acting_user=acting_user)
        return ResumeSource(person.personal_id, 0, printable(data), as_of)
    return ResumeSource(
        person.personal_id,
        version.number,
        printable(change_selectors.version_data(version)),
        as_of,
    )


def _no_version(as_of: date | None) -> DocumentRefused:
    return DocumentRefused(
        "no_version_as_of",
        f"Hồ sơ chưa có trên hệ thống vào ngày {vn(as_of)}: không có phiên bản nào tính đến "
        "ngày đó.",
    )


def may_issue(user: User, person: Person) -> bool:
    """Whether `user` may sign this person's résumé (a records manager covering the unit)."""
    return policies.duty_covers(user, {Role.RECORDS_MANAGER}, person.current_unit.path)


def resumes_of(personal_id: str) -> list[SignedResume]:
    """The signed résumés of a dossier, newest first (callers pass the gate first)."""
    return list(SignedResume.objects.filter(personal_id=personal_id).order_by("-signed_at", "-id"))


def resume_for(personal_id: str, version_number: int) -> SignedResume | None:
    """The latest signed résumé of one dossier version (callers pass the gate first)."""
    return (
        SignedResume.objects.filter(personal_id=personal_id, version_number=version_number)
        .order_by("-signed_at", "-id")
        .first()
    )
