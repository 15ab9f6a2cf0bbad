"""Writing accounts, duties, second factors and API tokens; grants and consents."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoso.access import recorder, throttle
from hoso.access.approvals import grant_level_problems
from hoso.access.mfa import DEVICE_NAME, base32_secret, otpauth_uri
from hoso.access.models import (
    AccessGrant,
    ApiToken,
    Consent,
    LoginThrottle,
    PurposeKind,
    Role,
    RoleAssignment,
    Sensitivity,
    ThrottleScope,
    TokenRevokeReason,
    User,
)
from hoso.access.policies import active_assignments, can_manage_accounts
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.core.context import current, memo_forget
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.models import Organization
from hoso.people.sections import BY_KEY
from hoso.people.selectors import person_queryset

# --- Accounts, duties, second factors and API tokens -----------------------------------------
# Changed by a system administrator (`policies.can_manage_accounts`), never on their own
# account, or with `acting_user=None` by the node itself: the demo, test fixtures and the
# `hoso` commands its operator runs. Every change is an audit event written in the same
# transaction; no event ever holds a password, a one-time code, a TOTP secret or a token.

RESERVED_USERNAMES = frozenset({"system", "admin", "root", "anonymous"})
TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=1)


def _account_problems(acting_user: User | None, user: User | None, what: str) -> list[Problem]:
    if acting_user is None:
        return []
    if not can_manage_accounts(acting_user):
        return [Problem("not_admin", f"Chỉ quản trị hệ thống được {what}.")]
    if user is not None and user.pk == getattr(acting_user, "pk", None):
        return [
            Problem(
                "own_account",
                "Quản trị hệ thống không tự thay đổi tài khoản của chính mình; hãy đề nghị "
                "một quản trị hệ thống khác.",
            )
        ]
    return []


def password_messages(password: str, user: User | None = None) -> list[str]:
    """What the node's password validators find wrong, in Vietnamese (Django's own Vietnamese
    catalog lacks some of them); empty when the password is acceptable."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        out = []
        for error in exc.error_list:
            params = error.params or {}
            known = {
                "password_too_short": "Mật khẩu quá ngắn: cần ít nhất "
                f"{params.get('min_length', 12)} ký tự.",
                "password_too_common": "Mật khẩu này quá phổ biến; hãy chọn mật khẩu khác.",
                "password_entirely_numeric": "Mật khẩu không được chỉ gồm chữ số.",
                "password_too_similar": "Mật khẩu quá giống thông tin của tài khoản.",
            }
            out.append(known.get(str(error.code), " ".join(error.messages)))
        return out
    return []


def _audit_account(
    acting_user: User | None, action: str, account: User, change: str, **detail: object
) -> None:
    recorder.record(
        user=acting_user,
        username="" if acting_user is not None else "system",
        action=action,
        outcome=AuditOutcome.OK,
        detail={
            "change": change,
            "account": account.get_username(),
            "account_id": account.pk,
            **detail,
        },
    )


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    password: str,
    full_name: str,
    personal_id: str = "",
) -> User:
    """A new active account with no duty and no second factor: it cannot log in until an
    administrator enrols its TOTP (`totp_enrol`) and has nothing to read until a duty is
    assigned (`role_assign`).

    Invariants: made by an administrator or the node; the username is valid, not reserved
    and unused whatever its case; the password passes the node's validators. `personal_id`
    links the account to a dossier: only the node sets it (an administrator who could set it
    would make accounts that open other people's dossiers).
    """
    problems = _account_problems(acting_user, None, "tạo tài khoản")
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
        valid = bool(username) and len(username) <= 150
    except ValidationError:
        valid = False
    if not valid or username.lower() in RESERVED_USERNAMES:
        problems.append(
            Problem(
                "invalid_username",
                "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách), "
                "tối đa 150 ký tự, và không trùng tên dành riêng của hệ thống.",
                "username",
            )
        )
    elif User.objects.filter(username__iexact=username).exists():
        problems.append(
            Problem("duplicate_username", "Tên đăng nhập đã được dùng.", "username")
        )
    user = User(username=username, full_name=full_name.strip(), personal_id=personal_id)
    weak = password_messages(password, user)
    if weak:
        problems.append(Problem("weak_password", " ".join(weak), "password"))
    if problems:
        raise ValidationFailed(problems)
    user.set_password(password)
    user.save()
    _audit_account(
        acting_user, AuditAction.ACCOUNT_CHANGE, user, "create", full_name=user.full_name
    )
    return user


@transaction.atomic
def role_assign(
    *,
    acting_user: User | None,
    user: User,
    role: str,
    organization: Organization | None,
    valid_from: date,
    valid_to: date | None = None,
    decision_ref: str = "",
) -> RoleAssignment:
    """Assign a duty over an organization subtree for a period (R-ASSIGNED).

    Invariants: by an administrator (never to themself, and naming the assignment decision)
    or the node; the role exists; reading roles are scoped to a unit; the period is ordered;
    the account is active. Every session of the account ends and its API tokens are revoked
    (its duties changed).
    """
    problems = _account_problems(acting_user, user, "giao nhiệm vụ")
    if role not in Role.values:
        problems.append(Problem("unknown_role", f"Vai trò «{role}» không có.", "role"))
    elif role not in {Role.EMPLOYEE, Role.ADMIN, Role.HUB_OPERATOR} and organization is None:
        problems.append(
            Problem(
                "scope_required",
                "Vai trò này phải gắn với một cơ quan, đơn vị.",
                "organization",
            )
        )
    if valid_to is not None and valid_to < valid_from:
        problems.append(
            Problem("period_reversed", "Ngày kết thúc trước ngày bắt đầu.", "valid_to")
        )
    if acting_user is not None and not decision_ref.strip():
        problems.append(
            Problem(
                "decision_required",
                "Cần ghi số, ngày văn bản giao nhiệm vụ (mỗi nhiệm vụ gắn với trách nhiệm "
                "của người được giao).",
                "decision_ref",
            )
        )
    if not user.is_active:
        problems.append(Problem("inactive_user", "Tài khoản đã bị khóa.", "user"))
    if problems:
        raise ValidationFailed(problems)
    _bump(user)
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        organization=organization,
        valid_from=valid_from,
        valid_to=valid_to,
        assigned_by=str(getattr(acting_user, "username", None) or "system"),
        decision_ref=decision_ref.strip(),
    )
    _audit_account(
        acting_user,
        AuditAction.ROLE_CHANGE,
        user,
        "assign",
        assignment_id=assignment.pk,
        role=role,
        organization=organization.code if organization is not None else "",
        valid_from=valid_from.isoformat(),
        valid_to=valid_to.isoformat() if valid_to else "",
        decision_ref=assignment.decision_ref,
    )
    _revoke_tokens(acting_user, user, TokenRevokeReason.DUTY_CHANGE)
    return assignment


@transaction.atomic
def role_end(
    *,
    acting_user: User | None,
    assignment: RoleAssignment,
    valid_to: date,
    decision_ref: str = "",
) -> RoleAssignment:
    """End a duty: `valid_to` is its last day. Every session of the account ends at once.

    Invariants: by an administrator (never their own duty, naming the decision) or the node;
    the end is not before the start, and only brings an end already set closer. The account's
    API tokens are revoked.
    """
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("user", "organization")
        .get(pk=assignment.pk)
    )
    problems = _account_problems(acting_user, assignment.user, "kết thúc nhiệm vụ")
    if valid_to < assignment.valid_from:
        problems.append(
            Problem(
                "period_reversed",
                f"Ngày kết thúc trước ngày bắt đầu nhiệm vụ "
                f"({assignment.valid_from.strftime('%d/%m/%Y')}).",
                "valid_to",
            )
        )
    elif assignment.valid_to is not None and assignment.valid_to <= valid_to:
        problems.append(
            Problem(
                "already_ended",
                f"Nhiệm vụ này đã kết thúc ngày {assignment.valid_to.strftime('%d/%m/%Y')}.",
                "valid_to",
            )
        )
    if acting_user is not None and not decision_ref.strip():
        problems.append(
            Problem(
                "decision_required",
                "Cần ghi số, ngày văn bản kết thúc nhiệm vụ.",
                "decision_ref",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    previous = assignment.valid_to
    assignment.valid_to = valid_to
    assignment.save(update_fields=["valid_to"])
    _bump(assignment.user)
    _audit_account(
        acting_user,
        AuditAction.ROLE_CHANGE,
        assignment.user,
        "end",
        assignment_id=assignment.pk,
        role=assignment.role,
        organization=assignment.organization.code if assignment.organization else "",
        valid_to=valid_to.isoformat(),
        previous_valid_to=previous.isoformat() if previous else "",
        decision_ref=decision_ref.strip(),
    )
    _revoke_tokens(acting_user, assignment.user, TokenRevokeReason.DUTY_CHANGE)
    return assignment


def _token_days(days: int | None) -> tuple[int, list[Problem]]:
    if days is None:
        return settings.HOSO_API_TOKEN_DAYS, []
    longest = settings.HOSO_API_TOKEN_MAX_DAYS
    if not 1 <= days <= longest:
        return 0, [
            Problem(
                "bad_token_days",
                f"Thời hạn của mã truy cập phải từ 1 đến {longest} ngày.",
                "days",
            )
        ]
    return days, []


@transaction.atomic
def token_create(*, acting_user: User | None, user: User, days: int | None = None) -> str:
    """A new bearer token for `user`, returned once; only its SHA-256 is kept.

    A token is a possession factor on its own (it is never typed with a password): it goes
    to a machine client, over the node's internal network. Invariants: by an administrator
    (not for themself) or the node; the account is active; it expires after `days`
    (`HOSO_API_TOKEN_DAYS` by default, at most `HOSO_API_TOKEN_MAX_DAYS`); audited
    `TOKEN_ISSUE` without the token.
    """
    problems = _account_problems(acting_user, user, "cấp mã truy cập API")
    if not user.is_active:
        problems.append(Problem("inactive_user", "Tài khoản đã bị khóa.", "username"))
    lifetime, bad = _token_days(days)
    problems += bad
    if problems:
        raise ValidationFailed(problems)
    key = "hoso_" + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=lifetime)
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key), prefix=key[:12], expires_at=expires
    )
    _audit_account(
        acting_user,
        AuditAction.TOKEN_ISSUE,
        user,
        "token_create",
        token_id=token.pk,
        prefix=token.prefix,
        expires_at=expires.isoformat(timespec="seconds"),
    )
    return key


def token_revoke(*, acting_user: User | None, token: ApiToken) -> ApiToken:
    """Revoke one token from now on: its next request is refused.

    Invariants: by the token's owner, an administrator, or the node (`acting_user=None`:
    `hoso token revoke`); a token is revoked once. The revocation and its `TOKEN_REVOKE`
    audit event are one transaction; a refusal changes nothing and is audited (DENY).
    """
    problem: Problem
    with transaction.atomic():
        token = ApiToken.objects.select_for_update(of=("self",)).select_related("user").get(
            pk=token.pk
        )
        owner = acting_user is not None and getattr(acting_user, "pk", None) == token.user_id
        if acting_user is None:
            reason = TokenRevokeReason.OPERATOR
        elif owner:
            reason = TokenRevokeReason.OWNER
        elif can_manage_accounts(acting_user):
            reason = TokenRevokeReason.ADMIN
        else:
            reason = ""
        if not reason:
            problem = Problem("not_yours", "Mã truy cập này không phải của bạn.")
        elif token.revoked_at is not None:
            problem = Problem("already_revoked", "Mã truy cập này đã bị thu hồi.")
        else:
            token.revoked_at = timezone.now()
            token.revoke_reason = reason
            token.revoked_by = str(getattr(acting_user, "username", None) or "system")
            token.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
            _audit_account(
                acting_user,
                AuditAction.TOKEN_REVOKE,
                token.user,
                "token_revoke",
                token_ids=[token.pk],
                prefix=token.prefix,
                reason=reason,
            )
            return token
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            username="" if acting_user is not None else "system",
            action=AuditAction.TOKEN_REVOKE,
            outcome=AuditOutcome.DENY,
            detail={"problems": [problem.code], "token_id": token.pk},
        )
    raise ValidationFailed([problem])


def _revoke_tokens(acting_user: User | None, user: User, reason: str) -> int:
    """Revoke every live token of `user` (inside the caller's transaction): its password,
    lock, or duties changed, so what a machine client was given no longer stands."""
    now = timezone.now()
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    ids = list(live.values_list("pk", flat=True))
    if not ids:
        return 0
    by = str(getattr(acting_user, "username", None) or "system")
    ApiToken.objects.filter(pk__in=ids).update(revoked_at=now, revoke_reason=reason, revoked_by=by)
    _audit_account(
        acting_user, AuditAction.TOKEN_REVOKE, user, "token_revoke", token_ids=ids, reason=reason
    )
    return len(ids)


def token_use(*, key: str) -> User | None:
    """The account a bearer token stands for, or None when it is refused (unknown, revoked,
    expired, account disabled or locked: audited and throttled, `token_refused`).

    Every use is in the audit trail; the token row only needs a coarse "last used", so it is
    written at most once every `TOKEN_LAST_USED_RESOLUTION` instead of on every request.
    Not one transaction: on SQLite that would take the write lock on every API request.
    """
    row = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    now = timezone.now()
    refused = _token_refusal(row, now)
    if refused or row is None:
        token_refused(owner=row.user.get_username() if row is not None else "", reason=refused)
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def _token_refusal(row: ApiToken | None, now: datetime) -> str:
    if row is None:
        return "unknown_token"
    if row.revoked_at is not None:
        return "revoked_token"
    if row.expires_at <= now:
        return "expired_token"
    if not row.user.is_active:
        return "inactive_user"
    if row.user.locked_until is not None and row.user.locked_until > now:
        return "locked_user"
    return ""


def token_refused(*, owner: str, reason: str) -> None:
    """A bearer token was refused (unknown, revoked, expired, account disabled or locked):
    audited, and counted against the client address (`throttle`)."""
    with transaction.atomic():
        recorder.record(
            user=None,
            username=owner,
            action=AuditAction.LOGIN_FAILED,
            outcome=AuditOutcome.DENY,
            detail={"step": "token", "reason": reason},
        )
        throttle_failure(address=current().client_address)


def _problem(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


def grant_issue(
    *,
    acting_user: User,
    grantee: User,
    purpose: str,
    document_number: str,
    document_date: date,
    signer: str,
    valid_from: date,
    valid_to: date,
    person_ids: list[str] | None = None,
    organization: Organization | None = None,
    sections: list[str] | None = None,
    ceiling: str = Sensitivity.PERSONAL,
    secret_ceiling: str = "",
    covers_special: bool = False,
    approval_level: str = "",
    purpose_kind: str = PurposeKind.CADRE_WORK,
    allow_export: bool = False,
) -> AccessGrant:
    """Record a written approval (R-WRITTEN-APPROVAL).

    Invariants: only a records manager whose duty covers the whole coverage records it; never
    for themself; it names its document; its period is ordered; state-secret and special
    coverage need the approval level high enough for them (catalog `approval_level`).
    The grant and its `GRANT_ISSUE` audit event are written in one transaction. A refused
    attempt saves no grant but is itself audited (outcome DENY, with the problem codes): an
    officer trying to grant themself is what R-PROHIBITED asks to make attributable.
    """
    problems: list[Problem] = []
    if grantee.pk == acting_user.pk:
        problems.append(Problem("self_grant", "Không được tự cấp quyền cho chính mình.", "grantee"))
    # Never to a system administrator: they read no dossier content (the gate ignores any
    # grant row naming one, too).
    if can_manage_accounts(grantee):
        problems.append(
            Problem(
                "grantee_is_admin",
                "Không được cấp quyền khai thác hồ sơ cho quản trị hệ thống: quản trị hệ thống "
                "không bao giờ được xem nội dung hồ sơ. Hãy cấp cho tài khoản của người sẽ khai "
                "thác.",
                "grantee",
            )
        )
    duties = [a for a in active_assignments(acting_user) if a.role == Role.RECORDS_MANAGER]
    if not duties:
        problems.append(
            Problem(
                "not_records_manager", "Chỉ cán bộ quản lý hồ sơ được ghi nhận văn bản phê duyệt."
            )
        )
    if not person_ids and organization is None:
        problems.append(
            Problem("no_coverage", "Cần chọn người hoặc đơn vị được phép xem.", "person_ids")
        )
    if valid_to < valid_from:
        problems.append(
            Problem("period_reversed", "Ngày hết hiệu lực trước ngày hiệu lực.", "valid_to")
        )
    if not (document_number.strip() and signer.strip() and purpose.strip()):
        problems.append(
            Problem(
                "document_required",
                "Cần số văn bản, người ký và mục đích khai thác.",
                "document_number",
            )
        )
    if ceiling not in Sensitivity.values:
        problems.append(Problem("bad_ceiling", f"Mức phân loại «{ceiling}» không có.", "ceiling"))
    unknown = [s for s in sections or [] if s not in BY_KEY]
    if unknown:
        problems.append(
            Problem("unknown_section", f"Không có mục: {', '.join(unknown)}.", "sections")
        )
    paths = [a.organization.path for a in duties if a.organization is not None]
    if organization is not None and not any(organization.path.startswith(p) for p in paths):
        problems.append(
            Problem(
                "outside_duty", "Đơn vị này ngoài phạm vi quản lý hồ sơ của bạn.", "organization"
            )
        )
    if person_ids:
        known = person_queryset().filter(personal_id__in=person_ids)
        found = {p.personal_id: p for p in known}
        for pid in person_ids:
            person = found.get(pid)
            if person is None or not any(person.current_unit.path.startswith(p) for p in paths):
                problems.append(
                    Problem(
                        "outside_duty",
                        f"Hồ sơ {pid} không có hoặc ngoài phạm vi quản lý.",
                        "person_ids",
                    )
                )
    problems += grant_level_problems(
        secret_ceiling=secret_ceiling, covers_special=covers_special, approval_level=approval_level
    )
    described = {
        "grantee": grantee.get_username(),
        "person_ids": list(person_ids or []),
        "organization": organization.code if organization is not None else "",
        "sections": list(sections or []),
        "ceiling": ceiling,
        "secret_ceiling": secret_ceiling,
        "covers_special": covers_special,
        "purpose_kind": purpose_kind,
        "document_number": document_number,
        "document_date": document_date,
        "signer": signer,
        "approval_level": approval_level,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "allow_export": allow_export,
    }
    if problems:
        with transaction.atomic():
            recorder.record(
                user=acting_user,
                action=AuditAction.GRANT_ISSUE,
                outcome=AuditOutcome.DENY,
                purpose=purpose,
                detail={**described, "problems": sorted({p.code for p in problems})},
            )
        raise ValidationFailed(problems)
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            grantee=grantee,
            person_ids=list(person_ids or []),
            organization=organization,
            sections=list(sections or []),
            ceiling=ceiling,
            secret_ceiling=secret_ceiling,
            covers_special=covers_special,
            purpose=purpose,
            purpose_kind=purpose_kind,
            document_number=document_number,
            document_date=document_date,
            signer=signer,
            approval_level=approval_level,
            allow_export=allow_export,
            valid_from=valid_from,
            valid_to=valid_to,
            approved_by=acting_user,
        )
        memo_forget()  # the grantee's access changed: this request decides afresh
        recorder.record(
            user=acting_user,
            action=AuditAction.GRANT_ISSUE,
            outcome=AuditOutcome.OK,
            purpose=purpose,
            grant_id=grant.pk,
            detail=described,
        )
    return grant


def grant_revoke(*, acting_user: User, grant: AccessGrant, reason: str) -> AccessGrant:
    """Revoke from now on; the next request is refused.

    Invariants: only a records manager on duty revokes, and only a grant they recorded or one
    whose whole coverage lies inside their duty; a reason is required; a grant is revoked
    once. The revocation and its `GRANT_REVOKE` audit event are one transaction; a refusal
    changes nothing and is audited with outcome DENY.
    """
    problem: Problem
    with transaction.atomic():
        grant = (
            AccessGrant.objects.select_for_update(of=("self",))
            .select_related("organization", "grantee")
            .get(pk=grant.pk)
        )
        paths = [
            a.organization.path
            for a in active_assignments(acting_user)
            if a.role == Role.RECORDS_MANAGER and a.organization is not None
        ]
        # Everything the grant covers must lie inside the revoker's duty (its recorder aside).
        covered_paths = list(
            person_queryset()
            .filter(personal_id__in=grant.person_ids or [])
            .values_list("current_unit__path", flat=True)
        )
        if grant.organization is not None:
            covered_paths.append(grant.organization.path)
        covered = len(covered_paths) == len(set(grant.person_ids or [])) + (
            grant.organization is not None
        ) and all(any(c.startswith(p) for p in paths) for c in covered_paths)
        if not paths:
            problem = Problem(
                "not_records_manager", "Chỉ cán bộ quản lý hồ sơ được thu hồi văn bản phê duyệt."
            )
        elif grant.approved_by_id != acting_user.pk and not covered:
            problem = Problem(
                "outside_duty", "Văn bản phê duyệt này ngoài phạm vi quản lý hồ sơ của bạn."
            )
        elif grant.revoked_at is not None:
            problem = Problem("already_revoked", "Văn bản phê duyệt này đã bị thu hồi.")
        elif not reason.strip():
            problem = Problem("reason_required", "Cần ghi lý do thu hồi.", "reason")
        else:
            grant.revoked_at = timezone.now()
            grant.revoked_by = acting_user
            grant.revoke_reason = reason
            grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
            memo_forget()
            recorder.record(
                user=acting_user,
                action=AuditAction.GRANT_REVOKE,
                outcome=AuditOutcome.OK,
                purpose=grant.purpose,
                grant_id=grant.pk,
                detail={
                    "grantee": grant.grantee.get_username(),
                    "document_number": grant.document_number,
                    "reason": reason,
                },
            )
            return grant
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.GRANT_REVOKE,
            outcome=AuditOutcome.DENY,
            grant_id=grant.pk,
            detail={"problems": [problem.code], "reason": reason},
        )
    raise ValidationFailed([problem])


def consent_give(
    *, acting_user: User, grantee: User, purpose: str, grant: AccessGrant | None = None
) -> Consent:
    """The person (acting_user) consents to `grantee` using their dossier (NĐ 27 Art. 20).

    Invariants: only for the account's own dossier; at most one standing consent per grantee
    (giving it again returns the standing one, nothing new is written); `grant`, when given,
    is the approval the person was shown and must name `grantee`. The consent and its
    `CONSENT_GIVE` audit event are one transaction; a refusal is audited with outcome DENY.
    """
    problem: Problem
    with transaction.atomic():
        if not acting_user.personal_id:
            problem = Problem("no_dossier", "Tài khoản này không gắn với hồ sơ nào.")
        elif grant is not None and grant.grantee_id != grantee.pk:
            problem = Problem("grant_mismatch", "Văn bản phê duyệt không cấp cho người này.")
        else:
            standing = (
                Consent.objects.select_for_update()
                .filter(personal_id=acting_user.personal_id, grantee=grantee)
                .filter(withdrawn_at__isnull=True)
                .first()
            )
            if standing is not None:
                return standing
            consent = Consent.objects.create(
                personal_id=acting_user.personal_id,
                grantee=grantee,
                purpose=purpose,
                given_at=timezone.now(),
            )
            memo_forget()
            recorder.record(
                user=acting_user,
                action=AuditAction.CONSENT_GIVE,
                outcome=AuditOutcome.OK,
                personal_id=acting_user.personal_id,
                purpose=purpose,
                grant_id=grant.pk if grant is not None else "",
                detail={"consent_id": consent.pk, "grantee": grantee.get_username()},
            )
            return consent
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.CONSENT_GIVE,
            outcome=AuditOutcome.DENY,
            personal_id=acting_user.personal_id,
            purpose=purpose,
            detail={"problems": [problem.code], "grantee": grantee.get_username()},
        )
    raise ValidationFailed([problem])


def consent_withdraw(*, acting_user: User, consent: Consent) -> Consent:
    """The person withdraws a consent from now on; the grantee's next request is refused.

    Invariants: only the person whose dossier it is withdraws it; withdrawing twice changes
    nothing. The withdrawal and its `CONSENT_WITHDRAW` audit event are one transaction; a
    refusal is audited with outcome DENY.
    """
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("grantee")
            .get(pk=consent.pk)
        )
        if acting_user.personal_id and consent.personal_id == acting_user.personal_id:
            if consent.withdrawn_at is None:
                consent.withdrawn_at = timezone.now()
                consent.save(update_fields=["withdrawn_at"])
                memo_forget()
                recorder.record(
                    user=acting_user,
                    action=AuditAction.CONSENT_WITHDRAW,
                    outcome=AuditOutcome.OK,
                    personal_id=consent.personal_id,
                    purpose=consent.purpose,
                    detail={
                        "consent_id": consent.pk,
                        "grantee": consent.grantee.get_username(),
                    },
                )
            return consent
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.CONSENT_WITHDRAW,
            outcome=AuditOutcome.DENY,
            personal_id=acting_user.personal_id,
            detail={"problems": ["not_yours"], "consent_id": consent.pk},
        )
    raise _problem("not_yours", "Chỉ người có hồ sơ mới rút lại được sự đồng ý.")


# --- Login throttling (`access.throttle` decides; these write its counts) --------------------


def _throttle_row(scope: str, key: str, username: str, now: datetime) -> LoginThrottle:
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(
        scope=scope, address=key, username=username, defaults={"last_failure_at": now}
    )
    if row.last_failure_at < now - throttle.window():  # quiet long enough: start again
        row.failures = row.blocks = 0
    return row


@transaction.atomic
def throttle_failure(*, address: str, username: str = "") -> list[throttle.Block]:
    """Count a failed login from `address` (as `username`, when a name was typed); the blocks
    it starts, each audited (`LOGIN_THROTTLED`, which raises an alert)."""
    now = timezone.now()
    key = throttle.client_key(address)
    started: list[throttle.Block] = []
    over = Q(blocked_until__isnull=True) | Q(blocked_until__lt=now)
    LoginThrottle.objects.filter(over, last_failure_at__lt=now - throttle.window()).delete()
    row = _throttle_row(ThrottleScope.ADDRESS, key, "", now)
    row.failures += 1
    free = settings.HOSO_LOGIN_ADDRESS_FREE
    if row.failures > free:
        delay = throttle.grow(
            settings.HOSO_LOGIN_DELAY_SECONDS,
            row.failures - free - 1,
            settings.HOSO_LOGIN_MAX_DELAY_SECONDS,
        )
        row.blocks += 1
        row.blocked_until = now + timedelta(seconds=delay)
        started.append(throttle.Block(row.scope, row.blocked_until))
        _throttle_record(row, username, delay)
    row.last_failure_at = now
    row.save()
    if username:
        pair = _throttle_row(ThrottleScope.ACCOUNT_ADDRESS, key, username[:150], now)
        pair.failures += 1
        if pair.failures >= settings.HOSO_LOCKOUT_THRESHOLD:
            delay = throttle.grow(
                settings.HOSO_LOCKOUT_SECONDS, pair.blocks, settings.HOSO_LOCKOUT_MAX_SECONDS
            )
            pair.blocks += 1
            pair.blocked_until = now + timedelta(seconds=delay)
            started.append(throttle.Block(pair.scope, pair.blocked_until))
            _throttle_record(pair, username, delay)
            pair.failures = 0
        pair.last_failure_at = now
        pair.save()
    return started


def throttle_success(*, address: str, username: str) -> None:
    """Both factors passed: forget this name's failures from this address (not the address's
    own count, which another account's guesses may have filled)."""
    LoginThrottle.objects.filter(
        scope=ThrottleScope.ACCOUNT_ADDRESS,
        address=throttle.client_key(address),
        username=username,
    ).delete()


def _throttle_record(row: LoginThrottle, username: str, delay: int) -> None:
    recorder.record(
        user=None,
        username=username,
        action=AuditAction.LOGIN_THROTTLED,
        outcome=AuditOutcome.DENY,
        detail={
            "scope": row.scope,
            "address": row.address,
            "name_typed": username,
            "failures": row.failures,
            "block": row.blocks,
            "seconds": delay,
            "until": row.blocked_until.isoformat() if row.blocked_until else "",
        },
    )


def _bump(user: User) -> None:
    User.objects.filter(pk=user.pk).update(security_stamp=models.F("security_stamp") + 1)
    memo_forget()  # the account's duties or state changed: this request decides afresh


@transaction.atomic
def login_failed(
    *, username: str, step: str = "password", reason: str = "invalid", counts: bool = True
) -> User | None:
    """Record a failed login (password or one-time code) and count it.

    The audit event names who was claimed (the name typed; actor None), the step and the
    reason, never the password or code. A counted failure goes to the throttle of the
    client address and of the name from that address (`access.throttle`): guessing locks out
    only the guesser's address. A wrong one-time code means the password was right: those
    failures also count on the account itself, and after `HOSO_LOCKOUT_THRESHOLD` of them the
    account is locked everywhere for `HOSO_LOCKOUT_SECONDS` and its API tokens revoked, both
    audited. Attempts refused for another reason (`counts=False`: locked, throttled, no
    second factor) are recorded but not counted, so a block does not grow while it runs.
    """
    recorder.record(
        user=None,
        username=username,
        action=AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.DENY,
        detail={"step": step, "reason": reason},
    )
    user = User.objects.select_for_update().filter(username=username).first()
    if not counts:
        return user
    throttle_failure(address=current().client_address, username=username)
    if user is None or step != "otp":
        return user
    user.failed_logins += 1
    if user.failed_logins >= settings.HOSO_LOCKOUT_THRESHOLD:
        user.locked_until = timezone.now() + timedelta(seconds=settings.HOSO_LOCKOUT_SECONDS)
        user.failed_logins = 0
        recorder.record(
            user=None,
            username=username,
            action=AuditAction.ACCOUNT_CHANGE,
            outcome=AuditOutcome.OK,
            detail={
                "change": "lockout",
                "account": username,
                "account_id": user.pk,
                "until": user.locked_until.isoformat(),
                "failures": settings.HOSO_LOCKOUT_THRESHOLD,
            },
        )
        _revoke_tokens(None, user, TokenRevokeReason.LOCKOUT)
    user.save(update_fields=["failed_logins", "locked_until"])
    return user


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    """Both factors passed: clear the failure counts of the account and of its name from
    this address, and record the login."""
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    throttle_success(address=current().client_address, username=user.get_username())
    recorder.record(
        user=user,
        action=AuditAction.LOGIN,
        outcome=AuditOutcome.OK,
        detail={"factors": ["password", "totp"]},
    )


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


@transaction.atomic
def password_reset(*, acting_user: User | None, user: User, new_password: str) -> None:
    """Set a new password; every session of the account ends and its API tokens are revoked.

    Invariants: by an administrator (never their own password) or the node; the password
    passes the node's validators; audited without the password.
    """
    problems = _account_problems(acting_user, user, "đặt lại mật khẩu")
    weak = password_messages(new_password, user)
    if weak:
        problems.append(Problem("weak_password", " ".join(weak), "password"))
    if problems:
        raise ValidationFailed(problems)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _bump(user)
    _audit_account(acting_user, AuditAction.ACCOUNT_CHANGE, user, "password_reset")
    _revoke_tokens(acting_user, user, TokenRevokeReason.PASSWORD_RESET)


@transaction.atomic
def account_disable(*, acting_user: User | None, user: User) -> None:
    """Disable an account: every session ends at its next request and its API tokens stop
    working. Invariants: by an administrator (never their own account) or the node; an
    account is disabled once; audited."""
    problems = _account_problems(acting_user, user, "khóa tài khoản")
    if not User.objects.filter(pk=user.pk, is_active=True).exists():
        problems.append(Problem("already_disabled", "Tài khoản này đã bị khóa."))
    if problems:
        raise ValidationFailed(problems)
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    _bump(user)
    _audit_account(acting_user, AuditAction.ACCOUNT_CHANGE, user, "disable")
    _revoke_tokens(acting_user, user, TokenRevokeReason.DISABLE)


@transaction.atomic
def totp_enrol(*, acting_user: User | None, user: User) -> tuple[TOTPDevice, str, str]:
    """A new TOTP secret (RFC 6238: 6 digits, 30 s) for the account's authenticator app:
    returns (device, `otpauth://` URI, base32 secret). Shown once; the node keeps the key
    only in its device row.

    Invariants: by an administrator (never for their own account) or the node (bootstrap:
    `hoso totp enrol`); the account is active; an earlier device is removed, so its codes stop
    working, and every session of the account ends; audited without the secret.
    """
    problems = _account_problems(acting_user, user, "đăng ký mã xác thực")
    if not User.objects.filter(pk=user.pk, is_active=True).exists():
        problems.append(Problem("inactive_user", "Tài khoản đã bị khóa."))
    if problems:
        raise ValidationFailed(problems)
    replaced = TOTPDevice.objects.filter(user=user).delete()[0]
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    _bump(user)
    _audit_account(
        acting_user,
        AuditAction.ACCOUNT_CHANGE,
        user,
        "totp_enrol",
        device_id=device.pk,
        replaced=replaced,
    )
    return device, otpauth_uri(device), base32_secret(device)


@transaction.atomic
def user_person_link(
    *, acting_user: User | None, user: User, personal_id: str, full_name: str
) -> User:
    """Link an account to the dossier of `personal_id` (its owner's own), named `full_name`.

    Invariants: only the node links (as in `user_create`: an administrator who could link
    would make accounts that open other people's dossiers); audited.
    """
    from hoso.audit.models import AuditAction  # as the other account services (issue 9 lifts it)

    if acting_user is not None:
        raise ValidationFailed(
            [Problem("node_only", "Chỉ hệ thống được gắn tài khoản với hồ sơ của một người.")]
        )
    user.personal_id, user.full_name = personal_id, full_name.strip()
    user.save(update_fields=["personal_id", "full_name"])
    _audit_account(
        acting_user, AuditAction.ACCOUNT_CHANGE, user, "person_link", personal_id=personal_id
    )
    return user
