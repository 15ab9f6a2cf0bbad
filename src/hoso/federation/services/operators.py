"""The hub's operators: the accounts of the Ministry's staff who see the hub's pages.

Invariants (R-ASSIGNED): made by the hub itself (`acting_user=None`, the `hoso hub
operator-add` bootstrap, as `hoso totp enrol` is for the first administrator) through the
accounts' own services, so the account, its duty and both audit events are written together
or not at all; the duty is `hub_operator`, over no unit (the hub has no organisation tree).
"""

from __future__ import annotations

from django.db import transaction

from hoso.access.models import Role, User
from hoso.access.services import role_assign, user_create
from hoso.core.dates import today


@transaction.atomic
def operator_add(
    *,
    acting_user: User | None,
    username: str,
    full_name: str,
    password: str,
    decision_ref: str = "",
) -> User:
    account = user_create(
        acting_user=acting_user, username=username, password=password, full_name=full_name
    )
    role_assign(
        acting_user=acting_user,
        user=account,
        role=Role.HUB_OPERATOR,
        organization=None,
        valid_from=today(),
        decision_ref=decision_ref,
    )
    return account
