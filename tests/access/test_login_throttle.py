"""Login throttling (issue 15, finding 5; R-LAYERS, R-INCIDENT): per client address and per
name from an address, with growing delays, in the database; nobody locks out someone else
by guessing, and every block is audited and shown to the auditor.
Design: docs/decisions/0012-login-throttling.md."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, login
from hoso.access import services
from hoso.access.models import LoginThrottle, ThrottleScope, User
from hoso.access.throttle import client_key
from hoso.audit.models import Alert, AlertKind, AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

ATTACKER = "127.0.0.66"
OWNER = "127.0.0.8"


GUESS = "doan-mo-123"


def attempt(address: str, username: str, password: str | None = None):
    return Client(REMOTE_ADDR=address).post(
        reverse("web:login"), {"username": username, "password": password or GUESS}
    )


def end_blocks() -> None:
    """The wait is over (as if the clock had moved on), the counts are kept."""
    LoginThrottle.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))


def test_forty_usernames_from_one_address_are_throttled_and_lock_no_account(personas):
    """The probe of the issue: 40 names from one address. Now 429 with Retry-After and a
    Vietnamese message; no account is locked; the owners still log in from their machines."""
    names = [f"nguoi{i:02d}" for i in range(34)] + list(personas)
    answers = [attempt(ATTACKER, name) for name in names]
    throttled = [r for r in answers if r.status_code == 429]
    assert len(throttled) >= 40 - 11, [r.status_code for r in answers]
    assert all(int(r["Retry-After"]) >= 1 for r in throttled)
    assert "Đã đăng nhập sai nhiều lần từ máy này" in throttled[-1].content.decode()
    assert not User.objects.filter(locked_until__isnull=False).exists()
    counted = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, detail__reason="invalid")
    assert counted.count() <= 11  # the rest were refused before any password was checked
    for name in ("quanly", "thanhtra"):
        owner = login(Client(REMOTE_ADDR=OWNER), personas[name])
        assert owner.get(reverse("web:search")).status_code == 200


def test_guessing_one_password_locks_out_the_guesser_and_not_the_owner(personas, settings):
    for _ in range(settings.HOSO_LOCKOUT_THRESHOLD):
        attempt(ATTACKER, "quanly")
    # From the guesser's address even the right password is refused, before being checked.
    refused = attempt(ATTACKER, "quanly", PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in refused.wsgi_request.session
    assert int(refused["Retry-After"]) > settings.HOSO_LOCKOUT_SECONDS - 5
    assert (
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("seq").detail["reason"]
        == "throttled"
    )
    # The owner, from their own machine: both steps, and in.
    owner = login(Client(REMOTE_ADDR=OWNER), personas["quanly"])
    assert owner.get(reverse("web:search")).status_code == 200
    assert not services.is_locked(User.objects.get(username="quanly"))


def test_the_delays_of_an_address_grow_with_each_failure(personas, settings):
    settings.HOSO_LOGIN_ADDRESS_FREE = 2
    settings.HOSO_LOGIN_DELAY_SECONDS = 3
    settings.HOSO_LOGIN_MAX_DELAY_SECONDS = 20
    assert attempt(ATTACKER, "a1").status_code == 200
    assert attempt(ATTACKER, "a2").status_code == 200
    waits = []
    for name in ("a3", "a4", "a5", "a6"):
        response = attempt(ATTACKER, name)
        assert response.status_code == 429
        waits.append(int(response["Retry-After"]))
        assert attempt(ATTACKER, "a-trong-luc-cho").status_code == 429  # refused while waiting
        end_blocks()
    assert waits == [3, 6, 12, 20]  # doubling, up to the cap


def test_the_lockout_of_a_name_from_an_address_grows_with_each_lock(personas, settings):
    settings.HOSO_LOCKOUT_THRESHOLD = 2
    settings.HOSO_LOCKOUT_SECONDS = 60
    waits = []
    for _ in range(3):
        attempt(ATTACKER, "lanhdao")
        waits.append(int(attempt(ATTACKER, "lanhdao")["Retry-After"]))
        end_blocks()
    assert waits == [60, 120, 240]


def test_a_quiet_window_forgets_the_failures(personas, settings):
    settings.HOSO_LOCKOUT_THRESHOLD = 3
    attempt(ATTACKER, "lanhdao")
    attempt(ATTACKER, "lanhdao")
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(hours=2))
    assert attempt(ATTACKER, "lanhdao").status_code == 200  # counted from 1 again
    pair = LoginThrottle.objects.get(scope=ThrottleScope.ACCOUNT_ADDRESS, username="lanhdao")
    assert pair.failures == 1


def test_a_login_clears_the_name_from_that_address_but_not_the_address(personas, settings):
    attempt(OWNER, "quanly")
    attempt(OWNER, "quanly")
    login(Client(REMOTE_ADDR=OWNER), personas["quanly"])
    rows = LoginThrottle.objects.filter(address=OWNER)
    assert list(rows.values_list("scope", "failures")) == [(ThrottleScope.ADDRESS, 2)]


def test_the_counts_live_in_the_database_with_ipv6_clients_counted_by_their_network(db):
    assert client_key("2001:db8:1:2:3:4:5:6") == client_key("2001:db8:1:2:ffff::1")
    assert client_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert client_key("::ffff:127.0.0.1") == "127.0.0.1"
    services.login_failed(username="ai-do")  # a command has no address: counted as unknown
    assert LoginThrottle.objects.filter(address="unknown").count() == 2


def test_a_block_is_audited_and_raises_one_alert_the_auditor_sees(personas, settings):
    settings.HOSO_LOCKOUT_THRESHOLD = 2
    for _ in range(3):
        attempt(ATTACKER, "lanhdao")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_THROTTLED)
    assert event.actor_user_id is None and event.actor_username == "lanhdao"
    assert event.client_address == ATTACKER
    assert event.detail["scope"] == "account_address" and event.detail["seconds"] > 0
    end_blocks()
    for _ in range(2):
        attempt(ATTACKER, "lanhdao")  # a second block, same address: the same open alert
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_THROTTLED).count() == 2
    alert = Alert.objects.get(kind=AlertKind.LOGIN_THROTTLED)
    assert f"«{ATTACKER}»" in alert.message and "lanhdao" in alert.message
    auditor = login(Client(REMOTE_ADDR=OWNER), personas["thanhtra"])
    page = auditor.get(reverse("web:alerts")).content.decode()
    assert "Đăng nhập sai nhiều lần (tạm hoãn đăng nhập)" in page and ATTACKER in page
    trail = auditor.get(reverse("web:audit_events")).content.decode()
    assert "Tạm hoãn đăng nhập (sai nhiều lần)" in trail


def test_the_api_answers_429_with_retry_after_to_an_address_trying_bad_tokens(personas, settings):
    settings.HOSO_LOGIN_ADDRESS_FREE = 3
    good = services.token_create(acting_user=None, user=personas["quanly"])
    guesser = Client(REMOTE_ADDR=ATTACKER, HTTP_AUTHORIZATION="Bearer hoso_doan-mo")
    statuses = [guesser.get("/api/v1/people").status_code for _ in range(6)]
    assert statuses[:4] == [401, 401, 401, 401] and statuses[4:] == [429, 429]
    response = guesser.get("/api/v1/people")
    body = response.json()["error"]
    assert body["code"] == "too_many_attempts" and "hãy chờ" in body["message"]
    assert int(response["Retry-After"]) >= 1
    elsewhere = Client(REMOTE_ADDR=OWNER, HTTP_AUTHORIZATION=f"Bearer {good}")
    assert elsewhere.get("/api/v1/people").status_code == 200
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, detail__step="token")
    assert failed.count() == 4 and {e.detail["reason"] for e in failed} == {"unknown_token"}


def test_the_code_step_is_refused_while_the_name_is_locked_out_from_that_address(
    personas, settings
):
    from hoso.access.services import totp_enrol

    settings.HOSO_LOCKOUT_THRESHOLD = 2
    totp_enrol(acting_user=None, user=personas["quanly"])
    client = Client(REMOTE_ADDR=ATTACKER)
    client.post(reverse("web:login"), {"username": "quanly", "password": PASSWORD})
    attempt(ATTACKER, "quanly")
    attempt(ATTACKER, "quanly")  # locked out from here, while the first session waits
    response = client.post(reverse("web:otp"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    message = client.get(reverse("web:login")).content.decode()
    assert re.search(r"hãy chờ \d+ phút", message)
