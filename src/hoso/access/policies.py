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

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from hoso.access import approvals, holds, masking, recorder
from hoso.access.duties import active_assignments
from hoso.access.masking import field_classes
from hoso.access.masking import mask_note as mask_note  # callers still say policies.mask_note
from hoso.access.models import (
    AccessGrant,
    Consent,
    PurposeKind,
    Role,
    RoleAssignment,
    Sensitivity,
    User,
)
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import attrs_map
from hoso.core.context import request_memo
from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError, NotFound
from hoso.people.derive import completeness
from hoso.people.models import Person, SecretLabel
from hoso.people.selectors import (
    DisplaySection,
    _dossier_data,
    _dossier_data_many,
    display_sections,
    person_queryset,
)
from hoso.people.standard import Finding, Standard, check_components, check_fields

RANK = {value: index for index, value in enumerate(Sensitivity.values, start=1)}
SECRET_RANK = {"": 0, SecretLabel.MAT: 1, SecretLabel.TOI_MAT: 2, SecretLabel.TUYET_MAT: 3}
READING_ROLES = {Role.CLERK, Role.RECORDS_MANAGER, Role.LEADER, Role.AUDITOR}


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
    return gate_for(user).duty_covers(roles, unit_path)


def may_correct(user: Any, person: Person) -> bool:
    """Whether `user` holds a clerk's or records manager's duty over `person`'s unit: the
    links to correct the dossier (the forms ask the write gate again)."""
    return duty_covers(user, {Role.CLERK, Role.RECORDS_MANAGER}, person.current_unit.path)


def roles_of(user: Any) -> set[str]:
    return set(gate_for(user).roles)


def active_grants(
    user: Any, on: date | None = None, duties: list[RoleAssignment] | None = None
) -> list[AccessGrant]:
    """The written approvals `user` holds on `on` (today: the gate's, read once per request).
    `duties`: the user's duties on `on`, when the caller has already read them."""
    if on is None:
        return list(gate_for(user).grants)
    return _grants_read(user, active_assignments(user) if duties is None else duties, on)


def _grants_read(user: Any, duties: list[RoleAssignment], on: date | None) -> list[AccessGrant]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if any(a.role == Role.ADMIN for a in duties):
        return []  # the administrator reads no dossier content, whatever grant row exists
    on = on or local_today()
    return list(
        AccessGrant.objects.filter(
            grantee=user, revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on
        ).select_related("organization")
    )


# --- What a written approval covers: one rule, two shapes ---------------------------------------
# A grant covers a person when (1) it reaches them — named in its list, or in its unit's
# subtree; (2) it opens their protection — secret label up to its ceiling, the special
# category only if it says so, each only as far as the level that signed it may permit
# (re-checked on every read: a grant recorded under an older or looser rule opens no more);
# and (3) outside cadre work, the person has consented (NĐ 27/2026 Art. 20).
# `grant_covers` asks it of one person in memory; `grant_coverage` builds the same rule as a
# filter. Protection is decided by `_opens` alone: the filter lists the (label, category)
# pairs `_opens` accepts, so the two shapes cannot drift apart.

PROTECTIONS = [(label, special) for label in SECRET_RANK for special in (False, True)]


def _opens(
    grant: AccessGrant, secret_label: str, special: bool, reqs: approvals.Requirements
) -> bool:
    return (
        SECRET_RANK.get(secret_label, 0) <= SECRET_RANK.get(grant.secret_ceiling, 0)
        and (grant.covers_special or not special)
        and reqs.suffices(grant.approval_level, secret_label, special)
    )


def _reaches(grant: AccessGrant, person: Person) -> bool:
    return person.personal_id in (grant.person_ids or []) or (
        grant.organization is not None
        and person.current_unit.path.startswith(grant.organization.path)
    )


def grant_covers(
    grant: AccessGrant,
    person: Person,
    *,
    consented: Collection[str],
    reqs: approvals.Requirements | None = None,
    consent_needed: bool = True,
) -> bool:
    """Whether `grant` opens `person`'s dossier; `consented`: the personal ids whose consent
    the grantee holds; `consent_needed=False` asks whether it would, once consented."""
    reqs = reqs or approvals.requirements()
    return (
        _reaches(grant, person)
        and _opens(grant, person.secret_label, person.special_category, reqs)
        and (
            not consent_needed
            or grant.purpose_kind != PurposeKind.OTHER
            or person.personal_id in consented
        )
    )


def grant_coverage(
    grant: AccessGrant, *, consented: Q, reqs: approvals.Requirements | None = None
) -> Q:
    """`grant_covers` as a filter on people; `consented`: a filter of the people whose
    consent the grantee holds."""
    reqs = reqs or approvals.requirements()
    reach = Q(pk__in=[])
    if grant.person_ids:
        reach |= Q(personal_id__in=grant.person_ids)
    if grant.organization is not None:
        reach |= Q(unit_path__startswith=grant.organization.path)
    opened = Q(pk__in=[])
    for label, special in PROTECTIONS:
        if _opens(grant, label, special, reqs):
            opened |= Q(secret_label=label, special_category=special)
    covered = reach & opened
    return covered & consented if grant.purpose_kind == PurposeKind.OTHER else covered


def _unprotected() -> Q:
    return Q(secret_label="") & Q(special_category=False)


def _consented(user: User) -> Q:
    ids = Consent.objects.filter(grantee=user, withdrawn_at__isnull=True).values("personal_id")
    return Q(personal_id__in=ids)


def people_scope(user: Any) -> Q:
    """A filter selecting exactly the people this user may list (and open)."""
    return gate_for(user).people_scope()


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

    def standard_findings(
        self, standard: Standard, *, today: date, components: set[str] | None = None
    ) -> tuple[list[Finding], int]:
        """What this dossier lacks against the dossier standard (`people.standard`): missing
        fields, format problems and — given the component kinds on file — missing components,
        only those this reader may be told of (`masking.item_visible`; a component of the whole
        dossier to anyone who may open it), and how many others lie in what they may not see."""
        found = check_fields(self._whole, standard, today=today)
        if components is not None:
            found += check_components(self._whole, standard, components)
        visible = [f for f in found if not f.item or masking.item_visible(self, f.item)]
        return visible, len(found) - len(visible)

    def display(self, *, missing: set[str] | None = None) -> list[DisplaySection]:
        """The masked content laid out for reading (Vietnamese labels, catalog names,
        dd/mm/yyyy); `missing`: required items to mark (from `missing_required`)."""
        return display_sections(self.content(), missing=missing)

    @cached_property
    def masked(self) -> dict[str, str]:
        """Every hidden field → its note (`access.masking.masked_notes`)."""
        return masking.masked_notes(self)

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


class Gate:
    """One user's access decision: duties, grants and consents, read once per request
    (`gate_for`), then asked per person in memory (a page of search results costs no query per
    row). Every question about what this user may read goes through it."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.active = bool(getattr(user, "is_authenticated", False) and user.is_active)
        self.duties: list[RoleAssignment] = active_assignments(user) if self.active else []

    @cached_property
    def ceilings(self) -> dict[str, str]:
        return role_ceilings()

    @cached_property
    def grants(self) -> list[AccessGrant]:
        return _grants_read(self.user, self.duties, None) if self.active else []

    @cached_property
    def consented(self) -> set[str]:
        if not any(g.purpose_kind == PurposeKind.OTHER for g in self.grants):
            return set()  # no grant needs a consent: no query
        return set(
            Consent.objects.filter(grantee=self.user, withdrawn_at__isnull=True).values_list(
                "personal_id", flat=True
            )
        )

    @cached_property
    def approval(self) -> approvals.Requirements:
        return approvals.requirements()

    @cached_property
    def roles(self) -> set[str]:
        return {a.role for a in self.duties}

    @cached_property
    def reading_duties(self) -> list[tuple[str, str]]:
        """(subtree path, ceiling) of each duty that reads the dossiers of a subtree — the
        one list both `people_scope` (a filter) and `access` (in memory) open by duty."""
        return [
            (d.organization.path, self.ceilings[d.role])
            for d in self.duties
            if d.role in READING_ROLES and d.organization is not None and self.ceilings.get(d.role)
        ]

    # --- Duties -------------------------------------------------------------------------------

    def duty_covers(self, roles: set[str], unit_path: str) -> bool:
        return any(
            a.role in roles
            and a.organization is not None
            and unit_path.startswith(a.organization.path)
            for a in self.duties
        )

    def can_read_any_dossier(self) -> bool:
        return any(
            (a.role in READING_ROLES and self.ceilings.get(a.role)) or a.role == Role.EMPLOYEE
            for a in self.duties
        ) or bool(self.grants)

    def can_manage_accounts(self) -> bool:
        return Role.ADMIN in self.roles

    def is_records_manager(self) -> bool:
        return any(a.role == Role.RECORDS_MANAGER and a.organization for a in self.duties)

    def review_duties(self) -> list[RoleAssignment]:
        return [a for a in self.duties if a.role in REVIEWING_ROLES and a.organization]

    # --- Dossiers -----------------------------------------------------------------------------

    def covers(self, grant: AccessGrant, person: Person) -> bool:
        return grant_covers(grant, person, consented=self.consented, reqs=self.approval)

    def grant_filter(self, grant: AccessGrant) -> Q:
        return grant_coverage(grant, consented=_consented(self.user), reqs=self.approval)

    def people_scope(self) -> Q:
        """A filter selecting exactly the people this user may list (and open)."""
        allowed = Q(pk__in=[])  # deny by default
        if not self.active:
            return allowed
        if Role.EMPLOYEE in self.roles and self.user.personal_id:
            allowed |= Q(personal_id=self.user.personal_id)
        for path, _ceiling in self.reading_duties:
            allowed |= Q(unit_path__startswith=path) & _unprotected()
        for grant in self.grants:
            allowed |= self.grant_filter(grant)
        return allowed

    def protected_hidden(self) -> QuerySet[Person]:
        hidden = person_queryset().exclude(_unprotected())
        for grant in self.grants:
            hidden = hidden.exclude(self.grant_filter(grant))
        return hidden

    def _is_self(self, person: Person) -> bool:
        return (
            bool(self.user.personal_id)
            and self.user.personal_id == person.personal_id
            and Role.EMPLOYEE in self.roles
        )

    def _duty_ceiling(self, person: Person) -> str:
        if person.secret_label or person.special_category:
            return ""
        best = ""
        for path, ceiling in self.reading_duties:
            if person.current_unit.path.startswith(path) and RANK.get(ceiling, 0) > RANK.get(
                best, 0
            ):
                best = ceiling
        return best

    def access_many(self, people: list[Person]) -> list[DossierAccess]:
        """`access` of each of `people` this user may open, their content read in one batch
        (`people.selectors._dossier_data_many`: one query per section for all of them) — for
        a listing that checks every dossier against the standard (the completeness worklist).
        Not audited here: the caller records the listing (`recorder.listed`)."""
        allowed = [a for a in (self.access(p) for p in people) if a is not None]
        content = _dossier_data_many([a.person for a in allowed])
        for decision in allowed:
            decision.__dict__["_whole"] = content[decision.person.pk]  # the cached property
        return allowed

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
        grants = [g for g in self.grants if self.covers(g, person)]
        for grant in grants:
            fields |= fields_up_to(grant.ceiling, grant.sections or None)
        if grants:
            basis.append("grant")
        if not fields:
            return None
        best = max(grants, key=lambda g: RANK[g.ceiling], default=None)
        return DossierAccess(person, frozenset(fields), tuple(basis), best)


def gate_for(user: Any) -> Gate:
    """`user`'s access decision, made once per request (the duties, grants and consents are
    read at most once each however many questions the page asks). Outside a request — a
    command, a task, a test calling services — every call reads fresh rows."""
    memo = request_memo()
    if memo is None or getattr(user, "pk", None) is None:
        return Gate(user)
    key = ("access.gate", user.pk, bool(getattr(user, "is_authenticated", False)))
    gate = memo.get(key)
    if gate is None or gate.active != bool(
        getattr(user, "is_authenticated", False) and user.is_active
    ):
        gate = memo[key] = Gate(user)
    return gate


def dossier_access(user: Any, personal_id: str, purpose: str = Purpose.VIEW) -> DossierAccess:
    """The gate for one dossier: the fields this user may see, or `NotFound`.

    Every decision, allow or deny, is an audit event written before the answer is returned.
    """
    person = person_queryset().filter(personal_id=personal_id).first()
    decision = gate_for(user).access(person) if person is not None else None
    with transaction.atomic():
        recorder.dossier_read(user, str(personal_id), purpose, decision)
    if decision is None:
        raise NotFound()
    return decision


def proposed_dossier_access(
    user: Any, person: Person, data: dict[str, Any], purpose: str = Purpose.CHANGESET_REVIEW
) -> DossierAccess:
    """The gate for a dossier not yet created, as a proposal to create it describes it:
    `person` is the unsaved row it would be (unit, protection, id), `data` its content. The
    same decision as for the dossier once created — who may not open it then may not review
    it now (`NotFound`) — and audited alike."""
    if person.pk is not None:
        raise ValueError("proposed_dossier_access is for a dossier not yet created")
    decision = gate_for(user).access(person)
    if decision is not None:
        decision.__dict__["_whole"] = data  # the cached content: the proposal's, not a read
    with transaction.atomic():
        recorder.dossier_read(user, str(person.personal_id), purpose, decision)
    if decision is None:
        raise NotFound()
    return decision


def dossier_for(user: Any, personal_id: str, purpose: str = Purpose.VIEW) -> Person:
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
    - Who may write it gets the hold's refusal when the dossier may not be written on this
      node at all (`refuse_if_held`: handed over, or being handed over), audited.
    Nothing is recorded when the write may go on: the write records itself. Call it outside
    the write's transaction, so that a denial stays in the audit trail.
    """
    person = person_queryset().filter(personal_id=personal_id).first()
    gate = gate_for(user)
    decision = gate.access(person) if person is not None else None
    if decision is not None:
        if (Role.EMPLOYEE in roles and "self" in decision.basis) or gate.duty_covers(
            roles, person.current_unit.path
        ):
            refuse_if_held(user, personal_id, purpose)
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


# Purposes under which the gate is asked by the hand-over itself, not by a write to the dossier:
# packaging and moving it (`exchange.services.handover`, which keeps its own states over the
# trace: a retry while SENDING must pass) and the archive import's check of what to tell about
# a dossier that already exists (it then refuses the import). tests/architecture checks that no
# other caller uses them with `dossier_write`.
HANDOVER_PURPOSES = frozenset({Purpose.ARCHIVE, Purpose.ARCHIVE_IMPORT})

# Purposes that write: asked through `dossier_write` or `dossier_open_write`, never through the
# read gate alone (tests/architecture/test_write_holds.py).
WRITE_PURPOSES = frozenset(
    {
        Purpose.PROPOSE,
        Purpose.APPROVE,
        Purpose.REJECT,
        Purpose.CHANGESET_APPROVE,
        Purpose.CHANGESET_REJECT,
        Purpose.SELF_CORRECTION,
        Purpose.DECISION_REGISTER,
        Purpose.DISCREPANCY_REPORT,
        Purpose.DISCREPANCY_RESOLVE,
        Purpose.COMPONENT_REORDER,
        Purpose.ADD,
        Purpose.COMPONENT_ADD,
        Purpose.CONSISTENCY_CONFIRM,
        Purpose.CONSISTENCY_DISMISS,
        Purpose.RESUME_SIGN,
        Purpose.PAPER_LOAN,
    }
)


def refuse_if_held(user: Any, personal_id: str, purpose: str) -> None:
    """Raise the hold's refusal when `personal_id` may not be written on this node (R-NO-SILO:
    its dossier was handed over — `managed_elsewhere`, naming the new managing agency and the
    date — or is being handed over — `handover_in_progress`; `access.holds`), audited as a
    refused write in its own transaction. Reads are not asked: the trace stays readable."""
    if purpose in HANDOVER_PURPOSES:
        return
    held = holds.refusal(personal_id)
    if held is None:
        return
    held_refusal_record(user, personal_id, purpose, held)
    raise held


def held_refusal_record(
    user: Any, personal_id: str, purpose: str, held: DomainError, **detail: Any
) -> None:
    """Audit a write refused by a hold (`DOSSIER_WRITE`/`DENY`, the hold's stable code and its
    Vietnamese message), in its own transaction: by the gate, and by a write that asks the hold
    again under its lock once the gate's transaction is rolled back (`changes.services.
    changesets`: a hand-over started between the gate and the approval's lock)."""
    code = held.problems[0].code if held.problems else held.code
    with transaction.atomic():
        recorder.record(
            user=user,
            action=AuditAction.DOSSIER_WRITE,
            outcome=AuditOutcome.DENY,
            personal_id=str(personal_id),
            purpose=purpose,
            detail={"write": True, "code": code, "message": held.message[:300], **detail},
        )


def dossier_open_write(user: Any, personal_id: str, purpose: str) -> DossierAccess:
    """The gate for a write open to whoever may read the dossier (a discrepancy report, a
    procedure's step, a signed résumé, a scan finding's decision): `dossier_access` (audited,
    `NotFound` alike), then the hold (`refuse_if_held`). The callers' own duty checks follow."""
    decision = dossier_access(user, personal_id, purpose)
    refuse_if_held(user, personal_id, purpose)
    return decision


# --- Records: the same 404 for missing and forbidden -----------------------------------------
# Records about a dossier (change sets, discrepancies, decisions) are checked in
# `changes.selectors.records`, with the decision of `dossier_access` (access stands below changes).


def own_grant_for(user: Any, pk: int) -> AccessGrant:
    """A written approval this records manager recorded (only its recorder manages it), or
    `NotFound`. Names no dossier content, so nothing is audited (as the page never did)."""
    if not gate_for(user).is_records_manager():
        raise NotFound()
    grant = (
        AccessGrant.objects.filter(approved_by=user, pk=pk)
        .select_related("grantee", "organization", "revoked_by")
        .first()
    )
    if grant is None:
        raise NotFound()
    return grant


def can_read_any_dossier(user: Any) -> bool:
    return gate_for(user).can_read_any_dossier()


def can_manage_accounts(user: Any) -> bool:
    return gate_for(user).can_manage_accounts()


# --- The audit trail, alerts and consents ------------------------------------------------------
# Not dossier content, but it names people (personal ids) and accounts, so it has its own gate:
# an auditor or a records manager reads the trail of their duty's subtree, nobody else.

REVIEWING_ROLES = {Role.AUDITOR, Role.RECORDS_MANAGER}


def review_duties(
    user: Any, assignments: list[RoleAssignment] | None = None
) -> list[RoleAssignment]:
    """The duties under which `user` reads the audit trail (`assignments`: the user's active
    duties when the caller has already read them)."""
    if assignments is None:
        return gate_for(user).review_duties()
    return [a for a in assignments if a.role in REVIEWING_ROLES and a.organization]


def can_review_audit(user: Any) -> bool:
    return bool(review_duties(user))


def is_records_manager(user: Any) -> bool:
    return gate_for(user).is_records_manager()


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
        people = person_queryset().filter(unit_path__startswith=path).values("personal_id")
        staff = RoleAssignment.objects.filter(organization__path__startswith=path)
        allowed |= Q(personal_id__in=people) | Q(actor_user_id__in=staff.values("user_id"))
        if duty.organization.parent_id is None:
            allowed |= Q(personal_id="", actor_user_id__isnull=True)
    if not duties:
        return allowed
    return allowed & ~Q(personal_id__in=protected_hidden(user).values("personal_id"))


def _event_in_scope(user: Any, duties: list[RoleAssignment]) -> Q:
    """`audit_scope` as a test of each event by itself — its person's unit and its actor's
    duties looked up by key — for a query that checks a handful of events (an alert's): the
    lists of `audit_scope` are built whole for every query (a province's 300,000 people for
    each page's alert badge, over a second at that size — bench/pages.py), a lookup per event
    costs an index probe. Same rule, same result."""
    allowed = Q(pk__in=[])
    for duty in duties:
        path = duty.organization.path
        person_there = person_queryset().filter(
            personal_id=OuterRef("personal_id"), unit_path__startswith=path
        )
        staff_there = RoleAssignment.objects.filter(
            user_id=OuterRef("actor_user_id"), organization__path__startswith=path
        )
        allowed |= Exists(person_there) | Exists(staff_there)
        if duty.organization.parent_id is None:
            allowed |= Q(personal_id="", actor_user_id__isnull=True)
    hidden = protected_hidden(user).filter(personal_id=OuterRef("personal_id"))
    return allowed & ~Exists(hidden)


def protected_hidden(user: Any) -> QuerySet[Person]:
    """The dossiers with a state-secret label or of the special category that `user` holds
    no written approval to open (a duty never opens them): what the audit trail must not
    name to them (`audit_scope`)."""
    return gate_for(user).protected_hidden()


def alert_scope(user: Any, duties: list[RoleAssignment] | None = None) -> Q:
    """A filter of the alerts this user may read and acknowledge: those with at least one
    underlying event inside `audit_scope`."""
    duties = review_duties(user) if duties is None else duties
    if not duties:
        return Q(pk__in=[])
    events = AuditEvent.objects.filter(
        _event_in_scope(user, duties),
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
    if not user.personal_id or Role.EMPLOYEE not in gate_for(user).roles:
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
    reqs = approvals.requirements()
    return [
        g
        for g in candidates
        if grant_covers(g, person, consented=(), reqs=reqs, consent_needed=False)
    ]


# --- Statistics (issue 11) ---------------------------------------------------------------------


def counting_scope(user: Any, fields: frozenset[str]) -> Q:
    """The people a statistic by `fields` may count for this user: the lines of `people_scope`
    (reading duties and grants; not the employee's own dossier) that show every one of
    `fields` — so no count says what its reader could not read in the dossier itself, and a
    protected dossier is counted only under the grant that would open it
    (docs/decisions/0015-statistics-without-leaks.md)."""
    gate = gate_for(user)
    allowed = Q(pk__in=[])
    if not gate.active:
        return allowed
    classes = field_classes()
    need = max((RANK[classes[f]] for f in fields), default=0)
    for path, ceiling in gate.reading_duties:
        if RANK.get(ceiling, 0) >= need:
            allowed |= Q(unit_path__startswith=path) & _unprotected()
    for grant in gate.grants:
        if fields <= fields_up_to(grant.ceiling, grant.sections or None):
            allowed |= gate.grant_filter(grant)
    return allowed


def counting_ceiling(user: Any, unit_path: str) -> str:
    """The highest field class this user's reading duties show over the unit at `unit_path`
    (what a breakdown of that unit may be by); "" when no duty covers it."""
    best = ""
    for path, ceiling in gate_for(user).reading_duties:
        if unit_path.startswith(path) and RANK.get(ceiling, 0) > RANK.get(best, 0):
            best = ceiling
    return best
