"""Authentication (security issue, item 6): TOTP for every role, the lockout across both login
steps, the audit of logins and account changes, and the end of sessions."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, login
from hoso.access import services, sessions
from hoso.access.mfa import acceptable_code, base32_secret, confirmed_device
from hoso.access.models import Role, User
from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.errors import ValidationFailed
from hoso.web.forms.accounts import LOGIN_REFUSED, NOT_ENROLLED

pytestmark = pytest.mark.django_db


def enrol(user):
    return services.totp_enrol(acting_user=None, user=user)[0]


def code_for(device) -> str:
    device.refresh_from_db()
    return acceptable_code(device)[0]


def password_step(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("web:login"), {"username": username, "password": password, **extra})


def events(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def codes(error: ValidationFailed) -> set[str]:
    return {p.code for p in error.problems}


def alert_text(response) -> str:
    found = re.search(
        r'<div class="alert alert--error" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    return found.group(1).strip() if found else ""


# --- enrolment ---------------------------------------------------------------------------------


def test_an_administrator_enrols_a_totp_device_shown_once_and_audited(personas):
    admin, user = personas["quantri"], personas["quanly"]
    device, uri, secret = services.totp_enrol(acting_user=admin, user=user)
    assert device.confirmed and device.user_id == user.pk and device.digits == 6
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert re.fullmatch(r"[A-Z2-7]{32}", secret) and secret == base32_secret(device)
    assert device.verify_token(f"{totp(device.bin_key):06d}")
    event = events(AuditAction.ACCOUNT_CHANGE, actor_username="quantri")[-1]
    assert event.detail["change"] == "totp_enrol" and event.detail["account"] == "quanly"
    stored = json.dumps(event.detail) + event.purpose
    assert secret not in stored and device.key not in stored


def test_only_an_administrator_enrols_and_never_for_their_own_account(personas):
    with pytest.raises(ValidationFailed) as refused:
        services.totp_enrol(acting_user=personas["quanly"], user=personas["nhaplieu"])
    assert codes(refused.value) == {"not_admin"}
    with pytest.raises(ValidationFailed) as refused:
        services.totp_enrol(acting_user=personas["quantri"], user=personas["quantri"])
    assert codes(refused.value) == {"own_account"}
    assert not TOTPDevice.objects.exists()


def test_enrolling_again_retires_the_old_secret(personas):
    user = personas["quanly"]
    old = enrol(user)
    new = enrol(user)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()  # its codes open nothing
    assert list(TOTPDevice.objects.filter(user=user)) == [new] == [confirmed_device(user)]
    assert old.bin_key != new.bin_key


# --- the two login steps -----------------------------------------------------------------------


def test_the_demo_code_helper_gives_the_current_code_once(personas):
    device = enrol(personas["quanly"])
    code, seconds = acceptable_code(device)
    assert 30 < seconds <= 60  # this step, and one step of tolerance
    assert device.verify_token(code)
    device.refresh_from_db()
    assert device.drift == 0  # the person's own app stays in step
    assert acceptable_code(device) is None  # used: wait for the next step


def test_an_account_without_a_device_cannot_log_in_and_is_told_to_ask_the_administrator(
    client, personas
):
    response = password_step(client, "quanly")
    assert response.status_code == 200
    assert NOT_ENROLLED in alert_text(response)
    assert "đề nghị quản trị hệ thống đăng ký mã xác thực" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert events(AuditAction.LOGIN_FAILED)[-1].detail["reason"] == "not_enrolled"


def test_after_the_password_every_page_asks_for_the_code_and_the_api_refuses(client, personas):
    enrol(personas["quanly"])
    response = password_step(client, "quanly", next="/to-chuc/")
    assert response["Location"] == reverse("web:otp") + "?next=%2Fto-chuc%2F"
    for url in (reverse("web:search"), reverse("web:orgs"), reverse("web:catalogs"), "/khong-co/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:otp") + "?next="), url
    response = client.get(reverse("web:search"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("web:otp"))
    api = client.get("/api/v1/people")
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthenticated"
    page = client.get(reverse("web:otp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mã xác thực (OTP)" in body and "quanly" in body
    assert "Tra cứu hồ sơ" not in body  # no menu before the second step


def test_the_right_code_verifies_the_session_records_the_login_and_follows_next(client, personas):
    user = personas["quanly"]
    device = enrol(user)
    password_step(client, "quanly")
    response = client.post(reverse("web:otp"), {"code": code_for(device), "next": "/to-chuc/"})
    assert response.status_code == 302 and response["Location"] == "/to-chuc/"
    assert client.get(reverse("web:orgs")).status_code == 200
    assert client.get("/api/v1/people").status_code == 200  # the verified session opens the API
    login_event = events(AuditAction.LOGIN)[-1]
    assert login_event.actor_user_id == user.pk and login_event.actor_username == "quanly"
    assert login_event.actor_role == Role.RECORDS_MANAGER
    assert client.session[sessions.STAMP] == User.objects.get(pk=user.pk).security_stamp


def test_an_outside_next_address_is_ignored(client, personas):
    device = enrol(personas["quanly"])
    password_step(client, "quanly")
    response = client.post(
        reverse("web:otp"), {"code": code_for(device), "next": "https://example.org/"}
    )
    assert response["Location"] == reverse("web:search")


def test_a_wrong_code_is_refused_in_vietnamese_and_recorded(client, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own slow-down is tested elsewhere
    device = enrol(personas["quanly"])
    password_step(client, "quanly")
    good = code_for(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("web:otp"), {"code": wrong})
    assert response.status_code == 400
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get(reverse("web:search")).status_code == 302
    failed = events(AuditAction.LOGIN_FAILED)[-1]
    assert failed.actor_user_id is None and failed.actor_username == "quanly"
    assert failed.detail == {"channel": "web", "step": "otp", "reason": "otp_invalid"}
    response = client.post(reverse("web:otp"), {"code": "12ab56"})
    assert "Mã xác thực gồm đúng 6 chữ số" in response.content.decode()


def test_a_code_is_accepted_once(personas):
    user = personas["quanly"]
    device = enrol(user)
    first, second = Client(), Client()
    password_step(first, "quanly")
    password_step(second, "quanly")
    code = code_for(device)
    assert first.post(reverse("web:otp"), {"code": code}).status_code == 302
    assert second.post(reverse("web:otp"), {"code": code}).status_code == 400


def test_code_failures_lock_the_account_everywhere_and_revoke_its_tokens(
    client, personas, settings
):
    """A wrong code means the password was right: the account itself is locked (from every
    address) and its API tokens stop working (issue 15, finding 3)."""
    settings.HOSO_LOCKOUT_THRESHOLD = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enrol(personas["quanly"])
    token = services.token_create(acting_user=None, user=personas["quanly"])
    password_step(client, "quanly")
    good = code_for(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for _ in range(2):
        assert client.post(reverse("web:otp"), {"code": wrong}).status_code == 400
    assert not services.is_locked(User.objects.get(username="quanly"))
    response = client.post(reverse("web:otp"), {"code": wrong})  # the third wrong code
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert "_auth_user_id" not in client.session
    assert LOGIN_REFUSED in client.get(reverse("web:login")).content.decode()
    assert services.is_locked(User.objects.get(username="quanly"))
    lockout = events(AuditAction.ACCOUNT_CHANGE, actor_username="quanly")[-1]
    assert lockout.detail["change"] == "lockout" and lockout.actor_user_id is None
    revoked = events(AuditAction.TOKEN_REVOKE)[-1]
    assert revoked.detail["reason"] == "lockout" and revoked.detail["account"] == "quanly"
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/people").status_code == 401
    # During the lock even the right password and code open nothing, from any address.
    elsewhere = Client(REMOTE_ADDR="127.0.0.9")
    response = password_step(elsewhere, "quanly")
    assert response.status_code == 200 and "_auth_user_id" not in elsewhere.session
    assert events(AuditAction.LOGIN_FAILED)[-1].detail["reason"] == "locked"


def test_the_code_step_expires_after_five_minutes(client, personas, monkeypatch):
    from hoso.web.views import accounts

    device = enrol(personas["quanly"])
    password_step(client, "quanly")
    started = client.session[accounts.STEP1_AT]
    monkeypatch.setattr(accounts, "time", SimpleNamespace(time=lambda: started + 301))
    response = client.post(reverse("web:otp"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert "_auth_user_id" not in client.session
    assert "Đã quá 5 phút" in client.get(reverse("web:login")).content.decode()


def test_the_login_error_never_tells_whether_an_account_exists(personas, settings):
    """R-PROHIBITED: unknown name, wrong password, disabled and locked accounts read alike;
    and a name locked out from an address reads the same whether it exists or not."""
    settings.HOSO_LOCKOUT_THRESHOLD = 2
    disabled = personas["ngoai"]
    services.account_disable(acting_user=personas["quantri"], user=disabled)
    services.User.objects.filter(username="lanhdao").update(
        locked_until=timezone.now() + timedelta(minutes=5)
    )
    answers = {
        "unknown": password_step(Client(), "khong-ton-tai"),
        "wrong password": password_step(Client(), "quanly", password="sai-mat-khau"),
        "disabled, right password": password_step(Client(), "ngoai"),
        "locked, right password": password_step(Client(), "lanhdao"),
    }
    texts = {name: alert_text(response) for name, response in answers.items()}
    assert {r.status_code for r in answers.values()} == {200}
    assert set(texts.values()) == {f"<p>{LOGIN_REFUSED}</p>"}, texts
    blocked = {}
    for name in ("thanhtra", "khong-co-ai"):
        for _ in range(2):
            password_step(Client(REMOTE_ADDR="127.0.0.5"), name, password="sai-mat-khau")
        blocked[name] = password_step(Client(REMOTE_ADDR="127.0.0.5"), name)
    assert {r.status_code for r in blocked.values()} == {429}
    shown = {re.sub(r"\d", "#", alert_text(r)) for r in blocked.values()}
    assert len(shown) == 1 and "hãy chờ" in shown.pop()


def test_logout_is_recorded(client, personas):
    login(client, personas["quanly"])
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    event = events(AuditAction.LOGOUT)[-1]
    assert event.actor_username == "quanly" and event.detail["verified"] is True


def test_no_audit_event_holds_a_password_or_a_code(client, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enrol(personas["quanly"])
    password_step(client, "quanly", password="mat-khau-sai-123")
    password_step(client, "quanly")
    client.post(reverse("web:otp"), {"code": "000001"})
    code = code_for(device)
    client.post(reverse("web:otp"), {"code": code})
    services.password_reset(
        acting_user=personas["quantri"], user=personas["nhaplieu"], new_password="mat-khau-moi-2026"
    )
    token = services.token_create(acting_user=None, user=personas["quanly"])
    dumped = json.dumps(
        list(AuditEvent.objects.values("actor_username", "purpose", "detail")), ensure_ascii=False
    )
    for secret in (
        PASSWORD,
        "mat-khau-sai-123",
        "000001",
        code,
        "mat-khau-moi-2026",
        token,
        base32_secret(device),
        device.key,
    ):
        assert secret not in dumped


def test_a_bearer_token_needs_no_code(personas):
    """A token is a possession factor of its own (documented in hoso.api.auth)."""
    token = services.token_create(acting_user=None, user=personas["quanly"])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/people")
    assert response.status_code == 200


# --- account changes are audited ---------------------------------------------------------------


def test_every_account_change_is_audited_with_the_acting_administrator(personas, orgs):
    admin = personas["quantri"]
    user = services.user_create(
        acting_user=admin, username="moi", password=PASSWORD, full_name="Người mới"
    )
    duty = services.role_assign(
        acting_user=admin,
        user=user,
        role=Role.CLERK,
        organization=orgs["finance"],
        valid_from=date(2026, 1, 1),
        decision_ref="Quyết định 5/QĐ-STC",
    )
    services.role_end(
        acting_user=admin,
        assignment=duty,
        valid_to=date(2026, 6, 30),
        decision_ref="Quyết định 9/QĐ-STC",
    )
    services.password_reset(acting_user=admin, user=user, new_password="mat-khau-moi-2026")
    services.totp_enrol(acting_user=admin, user=user)
    services.token_create(acting_user=admin, user=user)
    services.account_disable(acting_user=admin, user=user)
    recorded = [
        (e.action, e.detail["change"])
        for e in AuditEvent.objects.filter(actor_username="quantri").order_by("seq")
    ]
    assert recorded == [
        (AuditAction.ACCOUNT_CHANGE, "create"),
        (AuditAction.ROLE_CHANGE, "assign"),
        (AuditAction.ROLE_CHANGE, "end"),
        (AuditAction.ACCOUNT_CHANGE, "password_reset"),
        (AuditAction.ACCOUNT_CHANGE, "totp_enrol"),
        (AuditAction.TOKEN_ISSUE, "token_create"),
        (AuditAction.ACCOUNT_CHANGE, "disable"),
        (AuditAction.TOKEN_REVOKE, "token_revoke"),  # disabling revokes the account's tokens
    ]
    for event in AuditEvent.objects.filter(actor_username="quantri"):
        assert event.actor_user_id == admin.pk and event.actor_role == Role.ADMIN
        assert event.detail["account"] == "moi"
    assign = events(AuditAction.ROLE_CHANGE, actor_username="quantri")[0].detail
    assert assign["organization"] == "T01.STC" and assign["decision_ref"] == "Quyết định 5/QĐ-STC"


def test_changes_by_the_node_itself_are_recorded_as_system(db):
    services.user_create(acting_user=None, username="vanhanh", password=PASSWORD, full_name="")
    event = events(AuditAction.ACCOUNT_CHANGE)[-1]
    assert event.actor_user_id is None and event.actor_username == "system"


def test_a_refused_change_changes_nothing_and_records_nothing(personas):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        services.password_reset(
            acting_user=personas["quanly"], user=personas["nhaplieu"], new_password="x" * 20
        )
    assert AuditEvent.objects.count() == before
    assert User.objects.get(username="nhaplieu").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "code", "message"),
    [
        ("QuanLy", PASSWORD, "duplicate_username", "Tên đăng nhập đã được dùng."),
        ("nguoi moi", PASSWORD, "invalid_username", "không có dấu cách"),
        ("system", PASSWORD, "invalid_username", "tên dành riêng"),
        ("moi", "ngan", "weak_password", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
        ("moi", "password12345", "weak_password", "Mật khẩu này quá phổ biến"),
    ],
)
def test_user_create_refuses_bad_input_in_vietnamese(personas, username, password, code, message):
    with pytest.raises(ValidationFailed) as refused:
        services.user_create(
            acting_user=personas["quantri"], username=username, password=password, full_name="A"
        )
    assert code in codes(refused.value)
    assert any(message in p.message for p in refused.value.problems)


def test_an_administrator_cannot_give_themself_a_duty_nor_assign_without_a_decision(personas, orgs):
    admin = personas["quantri"]
    with pytest.raises(ValidationFailed) as refused:
        services.role_assign(
            acting_user=admin,
            user=admin,
            role=Role.RECORDS_MANAGER,
            organization=orgs["province"],
            valid_from=date(2026, 1, 1),
            decision_ref="Quyết định 1",
        )
    assert codes(refused.value) == {"own_account"}
    with pytest.raises(ValidationFailed) as refused:
        services.role_assign(
            acting_user=admin,
            user=personas["ngoai"],
            role=Role.CLERK,
            organization=orgs["office"],
            valid_from=date(2026, 1, 1),
            valid_to=date(2025, 1, 1),
        )
    assert codes(refused.value) == {"decision_required", "period_reversed"}


# --- sessions end --------------------------------------------------------------------------------


def signed_in(personas, username: str = "quanly") -> Client:
    client = login(Client(), personas[username])
    assert client.get(reverse("web:search")).status_code == 200
    return client


def refused(client: Client) -> bool:
    response = client.get(reverse("web:search"))
    return response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_a_session_ends_when_the_account_is_disabled(personas):
    client = signed_in(personas)
    services.account_disable(acting_user=personas["quantri"], user=personas["quanly"])
    assert refused(client)


def test_a_session_ends_when_the_duties_change(personas, orgs):
    client = signed_in(personas)
    services.role_assign(
        acting_user=personas["quantri"],
        user=personas["quanly"],
        role=Role.LEADER,
        organization=orgs["province"],
        valid_from=date(2026, 1, 1),
        decision_ref="Quyết định 3/QĐ-UBND",
    )
    assert refused(client)
    client = signed_in(personas)
    duty = personas["quanly"].role_assignments.first()
    services.role_end(
        acting_user=personas["quantri"],
        assignment=duty,
        valid_to=date.today() + timedelta(days=30),
        decision_ref="Quyết định 4",
    )
    assert refused(client)


def test_a_password_reset_by_the_administrator_ends_the_users_sessions(personas):
    client = signed_in(personas)
    services.password_reset(
        acting_user=personas["quantri"], user=personas["quanly"], new_password="mat-khau-moi-2026"
    )
    assert refused(client)


def test_enrolling_a_new_device_ends_the_users_sessions(personas):
    client = signed_in(personas)
    services.totp_enrol(acting_user=personas["quantri"], user=personas["quanly"])
    assert refused(client)


def test_a_session_ends_after_the_idle_timeout(personas, settings, monkeypatch):
    settings.HOSO_SESSION_IDLE_SECONDS = 60
    client = signed_in(personas)
    start = client.session[sessions.SEEN]
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: start + 59))
    assert client.get(reverse("web:search")).status_code == 200  # activity moves the limit
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: start + 59 + 61))
    assert refused(client)


def test_a_session_ends_after_its_absolute_lifetime_even_when_busy(personas, settings, monkeypatch):
    settings.HOSO_SESSION_IDLE_SECONDS = 60
    settings.HOSO_SESSION_MAX_SECONDS = 150
    client = signed_in(personas)
    start = client.session[sessions.STARTED]
    for offset in (50, 100, 150):
        monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda o=offset: start + o))
        assert client.get(reverse("web:search")).status_code == 200, offset
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: start + 151))
    assert refused(client)


# --- the totp command ------------------------------------------------------------------


def test_the_code_command_is_refused_in_production(personas, settings):
    enrol(personas["quanly"])
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="HOSO_PRODUCTION"):
        call_command("totp", "code", "quanly", stdout=StringIO(), stderr=StringIO())


def test_the_code_command_asks_for_an_enrolment_first(personas):
    with pytest.raises(CommandError, match="chưa đăng ký mã xác thực"):
        call_command("totp", "code", "quanly", stdout=StringIO(), stderr=StringIO())


def test_the_enrol_command_prints_the_secret_once_for_the_operator(personas):
    out = StringIO()
    call_command("totp", "enrol", "quantri", stdout=out, stderr=StringIO())
    secret = re.search(r"Khóa bí mật \(base32\): ([A-Z2-7]+)", out.getvalue()).group(1)
    assert secret == base32_secret(confirmed_device(personas["quantri"]))
    assert "otpauth://totp/" in out.getvalue()
    with pytest.raises(CommandError, match="Không có tài khoản «khongco»"):
        call_command("totp", "enrol", "khongco", stdout=StringIO(), stderr=StringIO())
