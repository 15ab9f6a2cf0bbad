"""Date helpers shared by validators and pages (pure)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in the node's time zone (Asia/Ho_Chi_Minh), the date a clerk sees."""
    return timezone.localdate()


def vn(value: date | None) -> str:
    """dd/mm/yyyy, the only date format a user sees."""
    return value.strftime("%d/%m/%Y") if value else ""


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
