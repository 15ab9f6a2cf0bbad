"""The one gate to dossier data (DESIGN.md: one read gate, deny by default).

Every page, API endpoint and command that shows dossier content asks here first, and gets
back which fields it may show. Three bases can open a dossier, each line one condition:
- **self**: an employee always sees their own dossier;
- **duty** (R-ASSIGNED): a reading role over an organization subtree sees the people of that
  subtree up to the role's sensitivity ceiling (catalog `role_access`) — except dossiers that
  carry a state-secret label or are of the special category (R-SPECIAL);
- **grant** (R-WRITTEN-APPROVAL): an active, unrevoked written approval covering the person,
  up to its ceiling and sections; for purposes outside cadre work only with the person's
  consent (NĐ 27/2026 Art. 20).
The same `NotFound` answers "no such person" and "not yours to see", so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import Q

from hoso.access import approvals, masking, recorder
from hoso.access.duties import active_assignments
from hoso.access.models import (
    AccessGrant,
    Consent,
    PurposeKind,
    Role,
    RoleAssignment,
    Sensitivity,
    User,
)
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.catalog.selectors import attrs_map
from hoso.core.dates import today as local_today
from hoso.core.errors import NotFound
from hoso.people.derive import completeness
from hoso.people.models import Person, SecretLabel
from hoso.people.sections import all_field_ids
from hoso.people.selectors import DisplaySection, _dossier_data, display_sections, person_queryset

RANK = {value: index for index, value in enumerate(Sensitivity.values, start=1)}
SECRET_RANK = {"": 0, SecretLabel.MAT: 1, SecretLabel.TOI_MAT: 2, SecretLabel.TUYET_MAT: 3}
READING_ROLES = {Role.CLERK, Role.RECORDS_MANAGER, Role.LEADER, Role.AUDITOR}


def field_classes() -> dict[str, str]:
    """`section.field` → class; an unclassified field counts as the highest class."""
    known = attrs_map("field_class")
    return {
        f: known.get(f, {}).get("class") or Sensitivity.SECRET_CANDIDATE for f in all_field_ids()
    }


def role_ceilings() -> dict[str, str]:
    return {role: attrs.get("ceiling", "") for role, attrs in attrs_map("role_access").items()}


def fields_up_to(ceiling: str, sections: list[str] | None = None) -> frozenset[str]:
    limit = RANK.get(ceiling, 0)
    return frozenset(
        f
        for f, cls in field_classes().items()
        if RANK[cls] <= limit and (not sections or f.split(".", 1)[0] in sections)
    )


def duty_covers(user: Any, roles: set[str], unit_path: str) -> bool:
    """Whether `user` holds one of `roles` over an organization subtree containing the unit
    at `unit_path` (writes and signatures are decided by duty, not by grants)."""
    return any(
        a.role in roles and a.organization is not None and unit_path.startswith(a.organization.path)
        for a in active_assignments(user)
    )


def roles_of(user: Any) -> set[str]:
    return {a.role for a in active_assignments(user)}


def active_grants(
    user: Any, on: date | None = None, duties: list[RoleAssignment] | None = None
) -> list[AccessGrant]:
    """`duties`: the user's active duties when the caller has already read them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    duties = active_assignments(user) if duties is None else duties
    if any(a.role == Role.ADMIN for a in duties):
        return []  # the administrator reads no dossier content, whatever grant row exists
    on = on or local_today()
    return list(
        AccessGrant.objects.filter(
            grantee=user, revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on
        ).select_related("organization")
    )


def _unprotected() -> Q:
    return Q(secret_label="") & Q(special_category=False)


def _grant_protection(grant: AccessGrant) -> Q:
    # Up to its ceiling, and only as far as the level that signed it may permit (re-checked
    # on every read: a grant recorded under an older or looser rule opens no more).
    reqs = approvals.requirements()
    labels = [
        label
        for label, rank in SECRET_RANK.items()
        if rank <= SECRET_RANK.get(grant.secret_ceiling, 0)
        and reqs.suffices(grant.approval_level, label, False)
    ]
    allowed = Q(secret_label__in=labels)
    special = grant.covers_special and reqs.suffices(grant.approval_level, "", True)
    return allowed if special else allowed & Q(special_category=False)


def _grant_coverage(grant: AccessGrant) -> Q:
    covered = Q(pk__in=[])
    if grant.person_ids:
        covered |= Q(personal_id__in=grant.person_ids)
    if grant.organization is not None:
        covered |= Q(current_unit__path__startswith=grant.organization.path)
    return covered


def _consented(user: User) -> Q:
    ids = Consent.objects.filter(grantee=user, withdrawn_at__isnull=True).values("personal_id")
    return Q(personal_id__in=ids)


def people_scope(user: Any) -> Q:
    """A filter selecting exactly the people this user may list (and open)."""
    allowed = Q(pk__in=[])  # deny by default
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return allowed
    ceilings = role_ceilings()
    duties = active_assignments(user)
    for duty in duties:
        if duty.role == Role.EMPLOYEE and user.personal_id:
            allowed |= Q(personal_id=user.personal_id)
        elif duty.role in READING_ROLES and duty.organization and ceilings.get(duty.role):
            allowed |= Q(current_unit__path__startswith=duty.organization.path) & _unprotected()
    for grant in active_grants(user, duties=duties):
        covered = _grant_coverage(grant) & _grant_protection(grant)
        if grant.purpose_kind == PurposeKind.OTHER:
            covered &= _consented(user)
        allowed |= covered
    return allowed


@dataclass(frozen=True)
class DossierAccess:
    """What the gate decided for one dossier: whom, which fields, on which basis — and the
    only way to its content (`content`, `display`, `missing_required`), already masked for
    this reader with the rules of `access.masking`. Only the gate makes one."""

    person: Person
    fields: frozenset[str]
    basis: tuple[str, ...]
    grant: AccessGrant | None = None

    def can_see(self, field_id: str) -> bool:
        return field_id in self.fields

    @cached_property
    def _whole(self) -> dict[str, Any]:
        # Read once per decision; never handed out unmasked.
        return _dossier_data(self.person)

    def content(self) -> dict[str, Any]:
        """The dossier as plain data (codes, ISO dates), a hidden field `None`, a history
        section none of whose fields may be seen empty (`access.masking.masked_dossier`)."""
        return masking.masked_dossier(self, self._whole)

    def missing_required(self, required: list[str]) -> tuple[list[str], bool]:
        """The required items (catalog `required_field`) missing from this dossier that this
        reader may be told of, and whether others are missing in fields they may not see."""
        missing = completeness(self._whole, required)[1]
        visible = [c for c in missing if masking.item_visible(self, c)]
        return visible, len(visible) < len(missing)

    def display(self, *, missing: set[str] | None = None) -> list[DisplaySection]:
        """The masked content laid out for reading (Vietnamese labels, catalog names,
        dd/mm/yyyy); `missing`: required items to mark (from `missing_required`)."""
        return display_sections(self.content(), missing=missing)

    @property
    def masked(self) -> dict[str, str]:
        return {f: mask_note(field_classes()[f]) for f in field_classes() if f not in self.fields}

    @property
    def can_export(self) -> bool:
        return self.grant is not None and self.grant.allow_export

    def can_see_document(self, sensitivity: str, section: str = "") -> bool:
        """A scan shows everything written on it: it is visible only to a reader who may see
        every field of its section (of the whole dossier when it has none, like the résumé)
        up to its class. Masking cannot reach inside an image, so this is all or nothing."""
        if sensitivity not in RANK:
            return False
        return fields_up_to(sensitivity, [section] if section else None) <= self.fields


def mask_note(field_class: str) -> str:
    label = Sensitivity(field_class).label if field_class in Sensitivity.values else field_class
    return f"Đã che: cần văn bản phê duyệt cho phép xem thông tin mức «{label}»."


class Gate:
    """One user's duties, grants and consents, read once, then asked per person in memory
    (a page of search results costs no query per row)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.active = bool(getattr(user, "is_authenticated", False) and user.is_active)
        self.duties = active_assignments(user) if self.active else []
        self.grants = active_grants(user, duties=self.duties) if self.active else []
        self.ceilings = role_ceilings()
        needs_consent = any(g.purpose_kind == PurposeKind.OTHER for g in self.grants)
        self.consented: set[str] = (
            set(
                Consent.objects.filter(grantee=user, withdrawn_at__isnull=True).values_list(
                    "personal_id", flat=True
                )
            )
            if needs_consent
            else set()
        )

    @cached_property
    def approval(self) -> approvals.Requirements:
        return approvals.requirements()

    def _is_self(self, person: Person) -> bool:
        return (
            bool(self.user.personal_id)
            and self.user.personal_id == person.personal_id
            and any(d.role == Role.EMPLOYEE for d in self.duties)
        )

    def _duty_ceiling(self, person: Person) -> str:
        if person.secret_label or person.special_category:
            return ""
        best = ""
        for duty in self.duties:
            if duty.role not in READING_ROLES or duty.organization is None:
                continue
            if not person.current_unit.path.startswith(duty.organization.path):
                continue
            ceiling = self.ceilings.get(duty.role, "")
            if RANK.get(ceiling, 0) > RANK.get(best, 0):
                best = ceiling
        return best

    def _covers(self, grant: AccessGrant, person: Person) -> bool:
        in_list = person.personal_id in (grant.person_ids or [])
        in_unit = grant.organization is not None and person.current_unit.path.startswith(
            grant.organization.path
        )
        if not (in_list or in_unit):
            return False
        if SECRET_RANK.get(person.secret_label, 0) > SECRET_RANK.get(grant.secret_ceiling, 0):
            return False
        if person.special_category and not grant.covers_special:
            return False
        if not self.approval.suffices(
            grant.approval_level, person.secret_label, person.special_category
        ):
            return False
        # Outside cadre work, only with the person's consent (NĐ 27/2026 Art. 20).
        return grant.purpose_kind != PurposeKind.OTHER or person.personal_id in self.consented

    def access(self, person: Person) -> DossierAccess | None:
        if not self.active:
            return None
        basis: list[str] = []
        fields: set[str] = set()
        if self._is_self(person):
            basis.append("self")
            fields |= fields_up_to(self.ceilings.get(Role.EMPLOYEE, ""))
        duty = self._duty_ceiling(person)
        if duty:
            basis.append("duty")
            fields |= fields_up_to(duty)
        grants = [g for g in self.grants if self._covers(g, person)]
        for grant in grants:
            fields |= fields_up_to(grant.ceiling, grant.sections or None)
        if grants:
            basis.append("grant")
        if not fields:
            return None
        best = max(grants, key=lambda g: RANK[g.ceiling], default=None)
        return DossierAccess(person, frozenset(fields), tuple(basis), best)


def dossier_access(user: Any, personal_id: str, purpose: str = "view") -> DossierAccess:
    """The gate for one dossier: the fields this user may see, or `NotFound`.

    Every decision, allow or deny, is an audit event written before the answer is returned.
    """
    person = person_queryset().filter(personal_id=personal_id).first()
    decision = Gate(user).access(person) if person is not None else None
    with transaction.atomic():
        recorder.dossier_read(user, str(personal_id), purpose, decision)
    if decision is None:
        raise NotFound()
    return decision


def dossier_for(user: Any, personal_id: str, purpose: str = "view") -> Person:
    """The person whose dossier `user` may open, or `NotFound` (see `dossier_access`)."""
    return dossier_access(user, personal_id, purpose).person


def dossier_write(
    user: Any,
    personal_id: str,
    purpose: str,
    roles: set[str],
    *,
    refusal: Exception | None = None,
) -> DossierAccess:
    """The gate for a write to an existing dossier: what `dossier_access` decides for a read,
    plus the duty to write — one of `roles` over the person's unit (`Role.EMPLOYEE` in `roles`
    lets the person write their own dossier, on the "self" basis).

    - Who may not open the dossier gets `NotFound`, exactly as for a missing one, and the
      denial is audited as a denied read (the repeated-denials alert counts it): a write
      must not tell that a protected dossier exists, nor its title, count or unit.
    - Who may open it but lacks the duty gets `refusal` when given (they know it exists, so a
      specific reason helps), else the same `NotFound`, audited alike.
    Nothing is recorded when the write may go on: the write records itself. Call it outside
    the write's transaction, so that a denial stays in the audit trail.
    """
    person = person_queryset().filter(personal_id=personal_id).first()
    decision = Gate(user).access(person) if person is not None else None
    if decision is not None:
        if Role.EMPLOYEE in roles and "self" in decision.basis:
            return decision
        if duty_covers(user, roles, person.current_unit.path):
            return decision
        if refusal is not None:
            raise refusal
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.DOSSIER_READ_DENIED,
            outcome=AuditOutcome.DENY,
            personal_id=str(personal_id),
            purpose=purpose,
            detail={"write": True},
        )
    raise NotFound()


def can_read_any_dossier(user: Any) -> bool:
    ceilings = role_ceilings()
    duties = active_assignments(user)
    return any(
        (a.role in READING_ROLES and ceilings.get(a.role)) or a.role == Role.EMPLOYEE
        for a in duties
    ) or bool(active_grants(user, duties=duties))


def can_manage_accounts(user: Any) -> bool:
    return any(a.role == Role.ADMIN for a in active_assignments(user))


# --- The audit trail, alerts and consents ------------------------------------------------------
# Not dossier content, but it names people (personal ids) and accounts, so it has its own gate:
# an auditor or a records manager reads the trail of their duty's subtree, nobody else.

REVIEWING_ROLES = {Role.AUDITOR, Role.RECORDS_MANAGER}


def review_duties(
    user: Any, assignments: list[RoleAssignment] | None = None
) -> list[RoleAssignment]:
    """The duties under which `user` reads the audit trail (`assignments`: the user's active
    duties when the caller has already read them)."""
    duties = active_assignments(user) if assignments is None else assignments
    return [a for a in duties if a.role in REVIEWING_ROLES and a.organization]


def can_review_audit(user: Any) -> bool:
    return bool(review_duties(user))


def is_records_manager(user: Any) -> bool:
    return any(a.role == Role.RECORDS_MANAGER and a.organization for a in active_assignments(user))


def audit_scope(user: Any, duties: list[RoleAssignment] | None = None) -> Q:
    """A filter of the audit events this user may read (deny by default).

    Per reviewing duty over a subtree: events about a person of the subtree (whoever acted,
    so an agency sees outsiders reading its dossiers), and events of any account that holds or
    held a duty there (what its own staff did, wherever). A duty on a root unit also sees the
    node's events that name neither a person nor an account (failed logins of unknown names,
    system events).

    Events about a dossier with a state-secret label or of the special category (R-SECRET,
    R-SPECIAL) — even an outsider's denied read — are left out unless the reviewer holds the
    written approval that would let them open it (the grant line of `people_scope`; a duty
    never opens such a dossier): otherwise the trail would tell a reviewer without the
    approval that the dossier exists.
    """
    allowed = Q(pk__in=[])
    duties = review_duties(user) if duties is None else duties
    for duty in duties:
        path = duty.organization.path
        people = Person.objects.filter(current_unit__path__startswith=path).values("personal_id")
        staff = RoleAssignment.objects.filter(organization__path__startswith=path)
        allowed |= Q(personal_id__in=people) | Q(actor_user_id__in=staff.values("user_id"))
        if duty.organization.parent_id is None:
            allowed |= Q(personal_id="", actor_user_id__isnull=True)
    if not duties:
        return allowed
    return allowed & ~Q(personal_id__in=protected_hidden(user).values("personal_id"))


def protected_hidden(user: Any) -> Any:
    """The dossiers with a state-secret label or of the special category that `user` holds
    no written approval to open (a duty never opens them): what the audit trail must not
    name to them (`audit_scope`)."""
    hidden = Person.objects.exclude(_unprotected())
    for grant in active_grants(user):
        covered = _grant_coverage(grant) & _grant_protection(grant)
        if grant.purpose_kind == PurposeKind.OTHER:
            covered &= _consented(user)
        hidden = hidden.exclude(covered)
    return hidden


def alert_scope(user: Any, duties: list[RoleAssignment] | None = None) -> Q:
    """A filter of the alerts this user may read and acknowledge: those with at least one
    underlying event inside `audit_scope`."""
    from django.db.models import Exists, OuterRef

    from hoso.audit.models import AuditEvent

    duties = review_duties(user) if duties is None else duties
    if not duties:
        return Q(pk__in=[])
    events = AuditEvent.objects.filter(
        audit_scope(user, duties),
        actor_username=OuterRef("actor_username"),
        seq__gte=OuterRef("first_seq"),
        seq__lte=OuterRef("last_seq"),
    )
    return Q(Exists(events))


def grants_awaiting_consent(user: Any, on: date | None = None) -> list[AccessGrant]:
    """Active grants for a purpose outside cadre work that cover this account's own dossier:
    they open it only with the person's consent (NĐ 27/2026 Art. 20)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not user.personal_id or not any(d.role == Role.EMPLOYEE for d in active_assignments(user)):
        return []
    person = person_queryset().filter(personal_id=user.personal_id).first()
    if person is None:
        return []
    on = on or local_today()
    candidates = (
        AccessGrant.objects.filter(
            purpose_kind=PurposeKind.OTHER,
            revoked_at__isnull=True,
            valid_from__lte=on,
            valid_to__gte=on,
        )
        .select_related("organization", "grantee")
        .order_by("valid_to", "pk")
    )
    unit = person.current_unit.path
    reqs = approvals.requirements()
    return [
        g
        for g in candidates
        if (
            person.personal_id in (g.person_ids or [])
            or (g.organization is not None and unit.startswith(g.organization.path))
        )
        and SECRET_RANK.get(person.secret_label, 0) <= SECRET_RANK.get(g.secret_ceiling, 0)
        and (g.covers_special or not person.special_category)
        and reqs.suffices(g.approval_level, person.secret_label, person.special_category)
    ]


# --- Statistics (issue 11) ---------------------------------------------------------------------


def counting_scope(user: Any, fields: frozenset[str]) -> Q:
    """The people a statistic by `fields` may count for this user: the lines of `people_scope`
    (reading duties and grants; not the employee's own dossier) that show every one of
    `fields` — so no count says what its reader could not read in the dossier itself, and a
    protected dossier is counted only under the grant that would open it
    (docs/decisions/0015-statistics-without-leaks.md)."""
    allowed = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return allowed
    classes = field_classes()
    need = max((RANK[classes[f]] for f in fields), default=0)
    ceilings = role_ceilings()
    duties = active_assignments(user)
    for duty in duties:
        ceiling = ceilings.get(duty.role, "")
        if duty.role not in READING_ROLES or duty.organization is None or not ceiling:
            continue
        if RANK.get(ceiling, 0) >= need:
            allowed |= Q(current_unit__path__startswith=duty.organization.path) & _unprotected()
    for grant in active_grants(user, duties=duties):
        if not fields <= fields_up_to(grant.ceiling, grant.sections or None):
            continue
        covered = _grant_coverage(grant) & _grant_protection(grant)
        if grant.purpose_kind == PurposeKind.OTHER:
            covered &= _consented(user)
        allowed |= covered
    return allowed


def counting_ceiling(user: Any, unit_path: str) -> str:
    """The highest field class this user's reading duties show over the unit at `unit_path`
    (what a breakdown of that unit may be by); "" when no duty covers it."""
    ceilings = role_ceilings()
    best = ""
    for duty in active_assignments(user):
        if duty.role not in READING_ROLES or duty.organization is None:
            continue
        if not unit_path.startswith(duty.organization.path):
            continue
        ceiling = ceilings.get(duty.role, "")
        if RANK.get(ceiling, 0) > RANK.get(best, 0):
            best = ceiling
    return best
