"""Login throttling per client address and per name typed from that address
(docs/decisions/0012-login-throttling.md).

- **address**: every failed login (password, one-time code, bearer token) from one address,
  whatever the name, counts; after `HOSO_LOGIN_ADDRESS_FREE` failures each further one makes
  the address wait `HOSO_LOGIN_DELAY_SECONDS`, doubling, up to `HOSO_LOGIN_MAX_DELAY_SECONDS`.
- **account from an address**: after `HOSO_LOCKOUT_THRESHOLD` failures of one name from one
  address, that name is locked out *from that address* for `HOSO_LOCKOUT_SECONDS`, doubling at
  each new lock, up to `HOSO_LOCKOUT_MAX_SECONDS`. The owner logging in from their own machine
  is not affected: guessing someone's password locks out only the guesser.
While blocked, attempts are refused before any password is checked. This module decides;
`access.services.throttle_failure` / `throttle_success` write the counts. The counts live in the
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


def window() -> timedelta:
    """How long failures are remembered: quiet longer than this, counting starts again."""
    return timedelta(seconds=settings.HOSO_LOGIN_WINDOW_SECONDS)


def grow(base: int, times: int, cap: int) -> int:
    """`base` doubled `times` times, at most `cap`."""
    return min(cap, base * 2 ** min(times, 32))
