"""Login throttling per client address and per name typed from that address
(docs/decisions/0012-login-throttling.md).

- **address**: every failed login (password, one-time code, bearer token) from one address,
  whatever the name, counts; after `HOSO_LOGIN_ADDRESS_FREE` failures each further one makes
  the address wait `HOSO_LOGIN_DELAY_SECONDS`, doubling, up to `HOSO_LOGIN_MAX_DELAY_SECONDS`.
- **account from an address**: after `HOSO_LOCKOUT_THRESHOLD` failures of one name from one
  address, that name is locked out *from that address* for `HOSO_LOCKOUT_SECONDS`, doubling at
  each new lock, up to `HOSO_LOCKOUT_MAX_SECONDS`. The owner logging in from their own machine
  is not affected: guessing someone's password locks out only the guesser.
While blocked, attempts are refused before any password is checked. The counts live in the
database (every worker shares them, SQLite and PostgreSQL alike); each block is an audit event
(`LOGIN_THROTTLED`) that raises an alert for the auditor. The rows count names as typed,
known or not, so a block never tells whether an account exists.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hoso.access.models import LoginThrottle, ThrottleScope

IPV6_PREFIX = 64  # one IPv6 client holds a whole /64: count it as one address


@dataclass(frozen=True)
class Block:
    scope: str
    until: datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def message(self) -> str:
        wait = _duration(self.seconds)
        until = timezone.localtime(self.until).strftime("%H:%M:%S ngày %d/%m/%Y")
        return (
            f"Đã đăng nhập sai nhiều lần từ máy này nên tạm thời chưa nhận thêm lần thử nào: "
            f"hãy chờ {wait} (đến {until}) rồi thử lại. Nếu quên mật khẩu, hãy liên hệ quản "
            "trị hệ thống; đăng nhập từ máy khác của bạn không bị ảnh hưởng."
        )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} giây"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} phút" + (f" {rest} giây" if rest else "")
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ" + (f" {minutes} phút" if minutes else "")


def client_key(address: str) -> str:
    """The address as counted: IPv4 as is, IPv6 by its /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def _rows(address: str, username: str) -> Q:
    key = client_key(address)
    rows = Q(scope=ThrottleScope.ADDRESS, address=key, username="")
    if username:
        rows |= Q(scope=ThrottleScope.ACCOUNT_ADDRESS, address=key, username=username[:150])
    return rows


def blocked(address: str, username: str = "") -> Block | None:
    """The longest block standing against a login from `address` as `username`, if any."""
    now = timezone.now()
    row = (
        LoginThrottle.objects.filter(_rows(address, username), blocked_until__gt=now)
        .order_by("-blocked_until")
        .first()
    )
    return Block(row.scope, row.blocked_until) if row is not None else None


def _window() -> timedelta:
    return timedelta(seconds=settings.HOSO_LOGIN_WINDOW_SECONDS)


def _row(scope: str, key: str, username: str, now: datetime) -> LoginThrottle:
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(
        scope=scope, address=key, username=username, defaults={"last_failure_at": now}
    )
    if row.last_failure_at < now - _window():  # quiet long enough: start again
        row.failures = row.blocks = 0
    return row


def _grow(base: int, times: int, cap: int) -> int:
    return min(cap, base * 2 ** min(times, 32))


@transaction.atomic
def failure(address: str, username: str = "") -> list[Block]:
    """Count a failed login; the blocks it starts (each audited and alerted)."""
    now = timezone.now()
    key = client_key(address)
    started: list[Block] = []
    over = Q(blocked_until__isnull=True) | Q(blocked_until__lt=now)
    LoginThrottle.objects.filter(over, last_failure_at__lt=now - _window()).delete()  # quiet
    row = _row(ThrottleScope.ADDRESS, key, "", now)
    row.failures += 1
    free = settings.HOSO_LOGIN_ADDRESS_FREE
    if row.failures > free:
        delay = _grow(
            settings.HOSO_LOGIN_DELAY_SECONDS,
            row.failures - free - 1,
            settings.HOSO_LOGIN_MAX_DELAY_SECONDS,
        )
        row.blocks += 1
        row.blocked_until = now + timedelta(seconds=delay)
        started.append(Block(row.scope, row.blocked_until))
        _record(row, username, delay)
    row.last_failure_at = now
    row.save()
    if username:
        pair = _row(ThrottleScope.ACCOUNT_ADDRESS, key, username[:150], now)
        pair.failures += 1
        if pair.failures >= settings.HOSO_LOCKOUT_THRESHOLD:
            delay = _grow(
                settings.HOSO_LOCKOUT_SECONDS, pair.blocks, settings.HOSO_LOCKOUT_MAX_SECONDS
            )
            pair.blocks += 1
            pair.blocked_until = now + timedelta(seconds=delay)
            started.append(Block(pair.scope, pair.blocked_until))
            _record(pair, username, delay)
            pair.failures = 0
        pair.last_failure_at = now
        pair.save()
    return started


def success(address: str, username: str) -> None:
    """Both factors passed: forget this name's failures from this address (not the address's
    own count, which another account's guesses may have filled)."""
    LoginThrottle.objects.filter(
        scope=ThrottleScope.ACCOUNT_ADDRESS, address=client_key(address), username=username
    ).delete()


def _record(row: LoginThrottle, username: str, delay: int) -> None:
    from hoso.access import recorder
    from hoso.audit.models import AuditAction, AuditOutcome

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
