"""Reading accounts, duties, approvals, consents and API tokens for the pages and the API.

None of this is dossier content (that is `policies.dossier_access`), and none of it decides
who may ask: callers check the duty first (`policies.can_manage_accounts`, the employee's own
page), as the pages do before they read.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoso.access.models import ApiToken, Consent, RoleAssignment, User


def accounts(q: str = "") -> QuerySet[User]:
    """Every account by username, with its duties (newest first) and whether it has a confirmed
    second factor (`has_totp`); `q` keeps those whose username or full name contains it."""
    duties = RoleAssignment.objects.select_related("organization").order_by("-valid_from", "pk")
    found = User.objects.prefetch_related(Prefetch("role_assignments", queryset=duties)).annotate(
        has_totp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
    )
    if q:
        found = found.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return found.order_by("username")


def account_get(username: str) -> User | None:
    return accounts().filter(username=username).first()


def account_duty(account: User, duty_id: int) -> RoleAssignment | None:
    """One duty of `account`; another account's duty is None, like a missing one."""
    return RoleAssignment.objects.filter(pk=duty_id, user=account).first()


def consents_of(personal_id: str) -> QuerySet[Consent]:
    """Every consent the person gave (in force or withdrawn), newest first."""
    return (
        Consent.objects.filter(personal_id=personal_id)
        .select_related("grantee")
        .order_by("-given_at", "-pk")
    )


def consents_in_force(personal_id: str) -> dict[int, Consent]:
    """The person's consents not withdrawn, by grantee (the latest given wins)."""
    standing = Consent.objects.filter(personal_id=personal_id, withdrawn_at__isnull=True)
    return {c.grantee_id: c for c in standing.order_by("given_at")}


def consent_get(personal_id: str, pk: int) -> Consent | None:
    """One consent of this person; another person's is None, like a missing one."""
    return consents_of(personal_id).filter(pk=pk).first()


def consenting_count(grantee: User) -> dict[int, int]:
    """How many people consented to `grantee` (not who: that is theirs to tell), by grantee."""
    rows = (
        Consent.objects.filter(grantee=grantee, withdrawn_at__isnull=True)
        .values("grantee")
        .annotate(n=Count("personal_id", distinct=True))
    )
    return {row["grantee"]: row["n"] for row in rows}


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get(user: User, pk: int) -> ApiToken | None:
    """One of `user`'s own tokens; another account's token is None, like a missing one."""
    return tokens_of(user).filter(pk=pk).first()


def full_names(user_ids: set[int]) -> dict[int, str]:
    """Account id → full name, in one query (readers named on "who read my dossier")."""
    if not user_ids:
        return {}
    return dict(User.objects.filter(pk__in=user_ids).values_list("pk", "full_name"))


def user_get(username: str) -> User | None:
    """The account of that username, active or not (the caller says which it accepts)."""
    return User.objects.filter(username=username).first()
