"""Read-only helpers of the employee's home (`/ho-so-cua-toi/`, R-CLEAN): where a user lands
after login, and the rows of the home's panels — their correction requests, consents, open
discrepancies, recent readers and what is expected of them.

Nothing here reads dossier content: the view opens the dossier through the gate first, and
everything below is keyed by the account's own personal id, so no other person's data can
appear. Readers are named, never by username (docs/decisions/0007).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from hoso.access import policies
from hoso.access import selectors as access_selectors
from hoso.access.models import AccessGrant, Consent, Role, RoleAssignment
from hoso.audit.purposes import PURPOSES
from hoso.audit.selectors import events_for_person
from hoso.changes.models import ChangeSet, ChangeStatus, Discrepancy
from hoso.changes.selectors import discrepancies
from hoso.web.presenters import security, session, work

RECENT_READS = 10
RECENT_REQUESTS = 10


def has_own_dossier(duties: list[RoleAssignment], user: Any) -> bool:
    """The gate's "self" basis: an account linked to a personal id, with the employee duty."""
    return bool(user.personal_id) and any(a.role == Role.EMPLOYEE for a in duties)


def reads_only_own(duties: list[RoleAssignment], user: Any) -> bool:
    """An employee and nothing more: no reading duty, no written approval. Search would only
    ever find their own dossier, so their home is their start page."""
    return (
        has_own_dossier(duties, user)
        and not any(a.role in policies.READING_ROLES for a in duties)
        and not policies.active_grants(user)
    )


def landing_url(request: HttpRequest) -> str:
    """Where a signed-in user starts: the employee's home, everyone else the search."""
    user = request.user
    if user.is_authenticated and reads_only_own(session.assignments(request), user):
        return reverse("web:self_home")
    return reverse("web:search")


# --- Correction requests ----------------------------------------------------------------------

STATUS_BADGES = {
    ChangeStatus.PROPOSED: "pending",
    ChangeStatus.APPLIED: "active",
    ChangeStatus.REJECTED: "revoked",
    ChangeStatus.WITHDRAWN: "expired",
}


@dataclass(frozen=True)
class RequestRow:
    changeset: ChangeSet
    sections: str
    status: str
    badge: str


def own_proposals(user: Any, limit: int = RECENT_REQUESTS) -> list[ChangeSet]:
    """The user's own proposals about their own dossier, newest first."""
    # Candidate for a changes selector (the changes app is being split by topic).
    mine = ChangeSet.objects.filter(personal_id=user.personal_id, proposer=user)
    return list(mine.order_by("-proposed_at", "-pk")[:limit])


def request_rows(user: Any) -> list[RequestRow]:
    """The user's own proposals about their own dossier, newest first."""
    return [
        RequestRow(
            changeset=c,
            sections=work.section_titles(list(c.sections)),
            status=c.get_status_display(),
            badge=STATUS_BADGES.get(c.status, "expired"),
        )
        for c in own_proposals(user)
    ]


# --- Consents ---------------------------------------------------------------------------------


def consents(user: Any) -> list[Consent]:
    """Every consent the person gave, in force first, then newest first."""
    return sorted(
        access_selectors.consents_of(user.personal_id),
        key=lambda c: (c.withdrawn_at is not None, -c.given_at.timestamp(), -c.pk),
    )


def awaiting_consent(user: Any, given: list[Consent]) -> list[AccessGrant]:
    """Approvals outside cadre work covering the person that they have not consented to."""
    standing = {c.grantee_id for c in given if c.withdrawn_at is None}
    return [g for g in policies.grants_awaiting_consent(user) if g.grantee_id not in standing]


# --- Open discrepancies -----------------------------------------------------------------------


@dataclass(frozen=True)
class DiscrepancyRow:
    discrepancy: Discrepancy
    where: str  # section titles, and the field when one is named
    reporter: str  # "Bạn" or the reporter's full name
    by_me: bool
    paper_says: str | None  # None: a field the gate does not open for this reader
    expected: str  # what the person is asked to do


EXPECTED_OWN = (
    "Bạn đã báo sai lệch này. Cán bộ quản lý hồ sơ sẽ đối chiếu với hồ sơ giấy; hãy chuẩn bị "
    "bản chính giấy tờ liên quan để xuất trình khi được đề nghị."
)
EXPECTED_OTHER = (
    "Hãy kiểm tra lại thông tin này của bạn. Nếu có giấy tờ chứng minh thông tin đúng, hãy "
    "mang bản chính đến bộ phận tổ chức cán bộ của cơ quan để đối chiếu."
)


def _content_visible(d: Discrepancy, access: policies.DossierAccess) -> bool:
    """As on the discrepancy page: what the paper says shows only where the fields show."""
    if d.field:
        return access.can_see(d.field)
    return any(access.can_see(f) for f in access.fields if f.split(".")[0] in d.sections)


def discrepancy_rows(access: policies.DossierAccess, user: Any) -> list[DiscrepancyRow]:
    """The open discrepancies of the dossier `access` opened (the user's own)."""
    rows = []
    for d in discrepancies.open_discrepancies(access.person.personal_id):
        where = work.section_titles(list(d.sections))
        if d.field:
            where = work.field_name(d.field)
        by_me = d.reported_by_id == user.pk
        rows.append(
            DiscrepancyRow(
                discrepancy=d,
                where=where,
                reporter="Bạn" if by_me else d.reported_by.full_name or "Cán bộ được giao nhiệm vụ",
                by_me=by_me,
                paper_says=d.paper_says if _content_visible(d, access) else None,
                expected=EXPECTED_OWN if by_me else EXPECTED_OTHER,
            )
        )
    return rows


# --- Who read the dossier ---------------------------------------------------------------------


def recent_reads(user: Any) -> tuple[list[security.ReadRow], int]:
    """The latest times someone else opened, exported or printed the dossier, and how many
    there were in all (the person's own visits are on the full list of the consent page)."""
    others = events_for_person(user.personal_id, actions=security.SEEN).exclude(
        actor_user_id=user.pk
    )
    rows = security.read_rows(list(others[:RECENT_READS]), user)
    # How the dossier was read, only where it has a Vietnamese name: no code on this page.
    rows = [replace(r, purpose=PURPOSES.get(r.event.purpose, "")) for r in rows]
    return rows, others.count()
