"""Date helpers shared by validators and pages (pure)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    """Today in the node's time zone (Asia/Ho_Chi_Minh), the date a clerk sees."""
    return timezone.localdate()


def local(value: date | datetime) -> date | datetime:
    """A moment as Vietnam's clock shows it (stored moments are UTC: between 00:00 and 07:00
    their UTC date is the day before); plain dates are left as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def vn(value: date | datetime | None) -> str:
    """dd/mm/yyyy, the only date format a user sees; a moment's date in Vietnam time."""
    return local(value).strftime("%d/%m/%Y") if value else ""


def vn_time(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    return local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
