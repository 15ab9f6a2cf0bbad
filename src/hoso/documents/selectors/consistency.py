"""Reading consistency findings, behind the gate: a finding shows a dossier value and what a
scan says, so only a reader of both sees it."""

from __future__ import annotations

from hoso.access.models import User
from hoso.access.policies import DossierAccess, dossier_access
from hoso.audit.purposes import Purpose
from hoso.documents.models import ConsistencyFinding, FindingStatus
from hoso.people.sections import BY_KEY, field_label


def finding_visible(access: DossierAccess, finding: ConsistencyFinding) -> bool:
    """A finding shows a dossier value and what a scan says: only to a reader of both."""
    component = finding.component
    return access.can_see(finding.field) and access.can_see_document(
        component.sensitivity, component.section
    )


def field_name(field_id: str) -> str:
    section, _, name = field_id.partition(".")
    return field_label(BY_KEY[section], name) if section in BY_KEY else field_id


def findings_for(user: User, personal_id: str) -> list[ConsistencyFinding]:
    """The open (proposed) findings of a dossier that `user` may see, newest first: through
    the gate (`NotFound`, audited), and only those whose scan and field the user may see."""
    return findings_visible(dossier_access(user, personal_id, purpose=Purpose.CONSISTENCY_FINDINGS))


def findings_visible(access: DossierAccess) -> list[ConsistencyFinding]:
    """The open findings of the dossier the gate already opened (`access`) that its reader may
    see, each with `label`, the Vietnamese name of its field, for pages."""
    found = ConsistencyFinding.objects.select_related("component").filter(
        personal_id=access.person.personal_id, status=FindingStatus.PROPOSED
    )
    visible = [f for f in found.order_by("-found_at", "-pk") if finding_visible(access, f)]
    for finding in visible:
        finding.label = field_name(finding.field)
    return visible
