"""Citizens' feedback on a unit's service (R-TRANSPARENT, issue 12 item 4): a rating 1–5 and
an optional comment, kept without anything that says who sent it.

- No personal data: no name asked, no address stored (not in the row, not in the audit event),
  only the day; a comment holding what looks like a personal id or a phone number is refused,
  not cleaned, so the citizen decides what to say instead.
- Rate-limited per client address like the login (docs/decisions/0012): the address counted
  by `access.throttle.client_key` (IPv6 by its /64), but only as a keyed hash in the cache, in
  a fixed window of `HOSO_FEEDBACK_WINDOW_SECONDS`; over `HOSO_FEEDBACK_LIMIT` → 429.
The checks are here; `procedures.services.feedback_submit` writes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache

from hoso.access.throttle import client_key
from hoso.core.errors import DomainError, Problem
from hoso.orgs import selectors as org_selectors

RATINGS = range(1, 6)
COMMENT_MAX = 1000  # characters: a comment, not a petition (those go through the unit)
# A run of digits, spaces, dots, dashes or brackets, optionally with a leading +: a personal
# id (12 digits), an old identity card (9) or a phone number (10–11, or +84 and 9).
DIGIT_RUN = re.compile(r"\+?\d[\d\s.\-()]*\d")
PERSONAL_ID_DIGITS = 12
PHONE_MIN_DIGITS = 9


def thousands(n: int) -> str:
    """1000 → "1.000", as a Vietnamese reader groups digits."""
    return f"{n:,}".replace(",", ".")


@dataclass
class Limited(DomainError):
    """Too many submissions from one address in the window (429 with `Retry-After`)."""

    retry_after: int = 0


def problems_of(unit_code: str, rating: str, comment: str, on: date) -> list[Problem]:
    problems: list[Problem] = []
    unit = org_selectors.org_get(unit_code) if unit_code else None
    if unit is None or not (
        unit.valid_from <= on and (unit.valid_to is None or unit.valid_to >= on)
    ):
        problems.append(
            Problem("feedback_unit_unknown", "Hãy chọn đơn vị bạn muốn đánh giá.", "unit")
        )
    if not rating.strip():
        problems.append(
            Problem("feedback_rating_missing", "Hãy chọn mức đánh giá từ 1 đến 5 sao.", "rating")
        )
    elif not rating.strip().isdigit() or int(rating) not in RATINGS:
        problems.append(
            Problem(
                "feedback_rating_invalid",
                "Mức đánh giá phải là một số nguyên từ 1 đến 5.",
                "rating",
            )
        )
    if len(comment) > COMMENT_MAX:
        problems.append(
            Problem(
                "feedback_comment_too_long",
                f"Ý kiến dài {thousands(len(comment))} ký tự; "
                f"tối đa {thousands(COMMENT_MAX)} ký tự.",
                "comment",
            )
        )
    problems += _personal_data(comment)
    return problems


def _personal_data(comment: str) -> list[Problem]:
    """What in the comment looks like a way to identify someone, each kind once."""
    found: list[Problem] = []
    for run in DIGIT_RUN.finditer(comment):
        digits = re.sub(r"\D", "", run.group())
        if len(digits) == PERSONAL_ID_DIGITS and not run.group().startswith("+"):
            code, message = (
                "feedback_personal_id",
                "Ý kiến có dãy 12 chữ số giống số định danh cá nhân. Để bảo vệ thông tin cá "
                "nhân, hãy xóa dãy số đó rồi gửi lại; không cần ghi số định danh khi góp ý.",
            )
        elif len(digits) >= PHONE_MIN_DIGITS:
            code, message = (
                "feedback_phone",
                "Ý kiến có dãy số giống số điện thoại hoặc số giấy tờ. Để bảo vệ thông tin cá "
                "nhân, hãy xóa dãy số đó rồi gửi lại; trang này không lưu thông tin liên hệ.",
            )
        else:
            continue
        if all(p.code != code for p in found):
            found.append(Problem(code, message, "comment"))
    return found


def _window_key(address: str, now: float) -> tuple[str, int]:
    """The cache key of this address in the current window (the address keyed-hashed with the
    window's number, so keys change with each window), and the seconds left in it."""
    window = settings.HOSO_FEEDBACK_WINDOW_SECONDS
    number = int(now // window)
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"feedback|{number}|{client_key(address)}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"hoso:feedback:{digest}", max(1, math.ceil((number + 1) * window - now))


def count_submission(address: str) -> None:
    """Count one submission from `address` (every one, refused or not, so probing the checks
    costs the same); refuse it when over the limit."""
    key, left = _window_key(address, time.time())
    cache.add(key, 0, timeout=left)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window begins
        cache.set(key, 1, timeout=left)
        n = 1
    if n > settings.HOSO_FEEDBACK_LIMIT:
        minutes = max(1, math.ceil(left / 60))
        raise Limited(
            code="feedback_too_many",
            message=(
                "Máy này đã gửi nhiều ý kiến trong thời gian ngắn nên tạm thời chưa nhận thêm: "
                f"hãy chờ khoảng {minutes} phút rồi gửi lại. Cảm ơn bạn đã góp ý."
            ),
            status=429,
            retry_after=left,
        )
