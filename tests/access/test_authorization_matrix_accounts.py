# ruff: noqa: F811 - the fixture imported from test_authorization_matrix is a parameter here
"""The authorization matrix, account rows (issue 15, findings 2 and 3): the system
administrator as grantee, and bearer tokens after a password reset, a lockout, a disabled
account, a change of duty, their expiry and their revocation.

The routes, personas, world and expectations are those of `test_authorization_matrix`
(R-WRITTEN-APPROVAL, R-SECRET, R-ASSIGNED): the administrator with a grant row must answer
exactly like the administrator without one, and a token that stopped standing opens no
operation of the API at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from test_authorization_matrix import (
    ROUTES,
    TARGETS,
    api_client,
    expected,
    url_for,
    web_client,
    world,  # noqa: F401 - a fixture
)

from hoso.access import services
from hoso.access.models import AccessGrant, ApiToken, Role, Sensitivity
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.core.dates import today
from hoso.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

DOSSIER_KINDS = {"dossier", "list", "export_list", "export_dossier", "resume", "resume_web"}
API_ROUTES = {n: r for n, r in ROUTES.items() if not n.startswith("web:")}


def _grant_kwargs(world, grantee) -> dict:
    people = world["people"]
    return {
        "acting_user": world["users"]["quanly"],
        "grantee": grantee,
        "purpose": "Thẩm định hồ sơ",
        "document_number": "15/QĐ-UBND",
        "document_date": date(2026, 11, 1),
        "signer": "Chủ tịch UBND tỉnh",
        "valid_from": today() - timedelta(days=1),
        "valid_to": today() + timedelta(days=30),
        "person_ids": [p.personal_id for p in people.values()],
        "ceiling": Sensitivity.SENSITIVE,
        "allow_export": True,
    }


# --- the administrator as grantee (finding 2) -------------------------------------------------


def test_a_records_manager_cannot_record_a_grant_to_the_administrator(world):
    """The rule is in the service, not only in the form: refused, saved nothing, audited."""
    with pytest.raises(ValidationFailed) as refused:
        services.grant_issue(**_grant_kwargs(world, world["users"]["quantri"]))
    problem = next(p for p in refused.value.problems if p.code == "grantee_is_admin")
    assert problem.field == "grantee"
    assert "quản trị hệ thống không bao giờ được xem nội dung hồ sơ" in problem.message
    assert not AccessGrant.objects.filter(grantee=world["users"]["quantri"]).exists()
    denied = AuditEvent.objects.filter(action=AuditAction.GRANT_ISSUE).latest("seq")
    assert denied.outcome == AuditOutcome.DENY and "grantee_is_admin" in denied.detail["problems"]


def test_the_grant_form_shows_the_refusal_on_the_grantee_field(world):
    client = web_client(world["users"]["quanly"])
    response = client.post(
        "/phe-duyet/ghi-nhan/",
        {
            "grantee": "quantri",
            "person_ids": world["people"]["own_unit"].personal_id,
            "ceiling": Sensitivity.PERSONAL,
            "purpose": "Thẩm định",
            "purpose_kind": "cadre_work",
            "document_number": "15/QĐ",
            "document_date": "01/11/2026",
            "signer": "Chủ tịch",
            "valid_from": (today() - timedelta(days=1)).strftime("%d/%m/%Y"),
            "valid_to": (today() + timedelta(days=9)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 400
    assert "Không được cấp quyền khai thác hồ sơ cho quản trị hệ thống" in response.content.decode()
    assert not AccessGrant.objects.filter(grantee=world["users"]["quantri"]).exists()


def _old_grant_to_the_administrator(world) -> AccessGrant:
    """A grant row written before the rule (straight into the table, as a restored backup
    or an older version would hold it): every dossier of the matrix, up to "sensitive",
    export allowed."""
    kwargs = _grant_kwargs(world, world["users"]["quantri"])
    acting = kwargs.pop("acting_user")
    return AccessGrant.objects.create(approved_by=acting, **kwargs)


@pytest.mark.parametrize("target", TARGETS)
def test_the_matrix_for_the_administrator_with_an_old_grant_row(world, target):
    """Every route answers the administrator holding a grant row exactly as without one."""
    _old_grant_to_the_administrator(world)
    admin = world["users"]["quantri"]
    clients = {True: web_client(admin), False: api_client(admin)}
    person = world["people"][target]
    for name, route in ROUTES.items():
        if route.kind in {"logout", "post_only"}:
            continue
        url, is_web = url_for(name, route, person.personal_id)
        response = clients[is_web].get(url)
        want = expected(route, False, "quantri", False)
        assert response.status_code == want, (name, target)
        body = response.content.decode()
        assert "0912345678" not in body, (name, target)  # the phone number of every dossier
        if route.kind in DOSSIER_KINDS:  # (account pages show account names, not dossiers)
            assert person.full_name not in body, (name, target)
        assert "X-Export-Id" not in response, name


def test_the_gate_ignores_a_grant_row_naming_the_administrator(world):
    from hoso.access import policies
    from hoso.core.errors import NotFound

    _old_grant_to_the_administrator(world)
    admin = world["users"]["quantri"]
    assert policies.active_grants(admin) == []
    assert not policies.can_read_any_dossier(admin)
    for person in world["people"].values():
        with pytest.raises(NotFound):
            policies.dossier_access(admin, person.personal_id)


@pytest.mark.parametrize("persona", ["quantri", "canbo"])
def test_no_duty_outside_the_reading_duties_gets_an_export_id(world, persona):
    """Even an empty list: 403 like the others, no export id issued, the refusal audited."""
    client = api_client(world["users"][persona])
    response = client.get("/api/v1/people/export.csv?q=khong-ai-co-ten-nay")
    assert response.status_code == 403
    assert "X-Export-Id" not in response
    assert response.json()["error"]["code"] == "export_not_allowed"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert event.outcome == AuditOutcome.DENY and event.actor_username == persona
    assert event.detail["reason"] == "no_export_duty" and "export_id" not in event.detail
    assert not AuditEvent.objects.filter(
        action=AuditAction.EXPORT, outcome=AuditOutcome.OK
    ).exists()


def test_a_reading_duty_with_an_empty_list_still_exports_its_stamped_empty_file(world):
    response = api_client(world["users"]["ngoai"]).get("/api/v1/people/export.csv")
    assert response.status_code == 200 and response["X-Export-Id"]


# --- tokens that stopped standing (finding 3) -------------------------------------------------


def _lockout(user, settings) -> None:
    """Wrong one-time codes after the right password: the account itself is locked."""
    for _ in range(settings.HOSO_LOCKOUT_THRESHOLD):
        services.login_failed(username=user.get_username(), step="otp", reason="otp_invalid")


def _duty_change(user, world) -> None:
    services.role_assign(
        acting_user=world["users"]["quantri"],
        user=user,
        role=Role.CLERK,
        organization=world["people"]["other_unit"].current_unit,
        valid_from=today(),
        decision_ref="Quyết định 77/QĐ-SNV",
    )


def _duty_end(user, world) -> None:
    duty = user.role_assignments.get()
    services.role_end(
        acting_user=world["users"]["quantri"],
        assignment=duty,
        valid_to=today(),
        decision_ref="Quyết định 78/QĐ-SNV",
    )


def _expire(token_row: ApiToken) -> None:
    ApiToken.objects.filter(pk=token_row.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


EVENTS = {
    "password_reset": lambda user, world, settings, row: services.password_reset(
        acting_user=world["users"]["quantri"], user=user, new_password="mat-khau-moi-2026-x"
    ),
    "lockout": lambda user, world, settings, row: _lockout(user, settings),
    "disable": lambda user, world, settings, row: services.account_disable(
        acting_user=world["users"]["quantri"], user=user
    ),
    "duty_change": lambda user, world, settings, row: _duty_change(user, world),
    "duty_end": lambda user, world, settings, row: _duty_end(user, world),
    "owner_revokes": lambda user, world, settings, row: services.token_revoke(
        acting_user=user, token=row
    ),
    "admin_revokes": lambda user, world, settings, row: services.token_revoke(
        acting_user=world["users"]["quantri"], token=row
    ),
    "operator_revokes": lambda user, world, settings, row: call_command(
        "token", "revoke", str(row.pk), stdout=StringIO()
    ),
    "expiry": lambda user, world, settings, row: _expire(row),
}
REASONS = {
    "password_reset": "password_reset",
    "lockout": "lockout",
    "disable": "disable",
    "duty_change": "duty_change",
    "duty_end": "duty_change",
    "owner_revokes": "owner",
    "admin_revokes": "admin",
    "operator_revokes": "operator",
}


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_a_token_opens_nothing_after(world, settings, event):
    """Before: the clerk's token reads the dossier of their unit. After: every operation of
    the API answers 401, as for no token at all; the revocation is audited."""
    user = world["users"]["nhaplieu"]
    key = services.token_create(acting_user=None, user=user)
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    own = world["people"]["own_unit"].personal_id
    assert client.get(f"/api/v1/people/{own}").status_code == 200
    EVENTS[event](user, world, settings, row)
    settings.HOSO_LOGIN_ADDRESS_FREE = 1000  # many refusals from this test's one address
    for name, route in API_ROUTES.items():
        url, _ = url_for(name, route, own)
        method = name.split(" ", 1)[0].lower()
        response = getattr(client, method)(url)
        assert response.status_code == 401, (name, event)
        assert response.json()["error"]["code"] == "unauthenticated"
    row.refresh_from_db()
    refusal = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("seq")
    assert refusal.detail["step"] == "token" and refusal.actor_username == "nhaplieu"
    if event == "expiry":
        assert row.revoked_at is None and refusal.detail["reason"] == "expired_token"
        return
    assert row.revoked_at is not None and row.revoke_reason == REASONS[event]
    revoked = AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).latest("seq")
    assert revoked.outcome == AuditOutcome.OK and revoked.detail["account"] == "nhaplieu"
    assert row.pk in revoked.detail["token_ids"] and revoked.detail["reason"] == REASONS[event]


def test_a_token_of_a_locked_account_is_refused_even_if_not_yet_revoked(world):
    user = world["users"]["nhaplieu"]
    key = services.token_create(acting_user=None, user=user)
    type(user).objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/people")
    assert response.status_code == 401
    refusal = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("seq")
    assert refusal.detail["reason"] == "locked_user"


def test_wrong_passwords_guessed_elsewhere_neither_lock_the_account_nor_revoke_its_tokens(
    world, settings
):
    """Guessing locks out the guesser's address only (finding 5): the owner's token, like the
    owner's login from their own machine, keeps working."""
    user = world["users"]["nhaplieu"]
    key = services.token_create(acting_user=None, user=user)
    attacker = Client(REMOTE_ADDR="127.0.0.66")
    for _ in range(settings.HOSO_LOCKOUT_THRESHOLD + 2):
        attacker.post("/dang-nhap/", {"username": "nhaplieu", "password": "doan-mo-123"})
    user.refresh_from_db()
    assert not services.is_locked(user)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/people")
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=False).exists()


def test_a_token_expires_after_the_default_lifetime_of_the_settings(world, settings):
    settings.HOSO_API_TOKEN_DAYS = 7
    before = timezone.now()
    services.token_create(acting_user=None, user=world["users"]["nhaplieu"])
    row = ApiToken.objects.get(user=world["users"]["nhaplieu"])
    assert before + timedelta(days=7) <= row.expires_at <= timezone.now() + timedelta(days=7)
    issued = AuditEvent.objects.filter(action=AuditAction.TOKEN_ISSUE).latest("seq")
    assert issued.detail["expires_at"].startswith(row.expires_at.date().isoformat())


def test_nobody_else_revokes_a_token_and_the_refusal_is_audited(world):
    key = services.token_create(acting_user=None, user=world["users"]["nhaplieu"])
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    with pytest.raises(ValidationFailed) as refused:
        services.token_revoke(acting_user=world["users"]["quanly"], token=row)
    assert refused.value.problems[0].code == "not_yours"
    row.refresh_from_db()
    assert row.revoked_at is None
    event = AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).latest("seq")
    assert event.outcome == AuditOutcome.DENY and event.actor_username == "quanly"
