"""Unusual reading raises alerts (R-INCIDENT)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from hoso.access import policies
from hoso.audit.alerts import open_alerts
from hoso.core.errors import NotFound

WORKDAY_NOON = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SUNDAY_NIGHT = datetime(2026, 11, 22, 23, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_now


@override_settings(HOSO_ALERT_READS=3)
def test_many_dossiers_read_quickly_raise_one_alert(personas, make_dossier, clock):
    clock(WORKDAY_NOON)
    people = [make_dossier(full_name=f"Lê Văn {n}") for n in ("An", "Bình", "Cường", "Dũng")]
    for person in people:
        policies.dossier_access(personas["quanly"], person.personal_id)
    [alert] = open_alerts()
    assert (alert.kind, alert.actor_username, alert.count) == ("mass_reading", "quanly", 3)
    assert "3 hồ sơ" in alert.message


def test_reading_outside_working_hours_raises_an_alert(personas, make_dossier, clock):
    clock(SUNDAY_NIGHT)
    person = make_dossier()
    policies.dossier_access(personas["quanly"], person.personal_id)
    [alert] = open_alerts()
    assert alert.kind == "off_hours" and "ngoài giờ làm việc" in alert.message


def test_working_hours_reading_raises_nothing(personas, make_dossier, clock):
    clock(WORKDAY_NOON)
    policies.dossier_access(personas["quanly"], make_dossier().personal_id)
    assert not open_alerts().exists()


@override_settings(HOSO_ALERT_DENIALS=3)
def test_repeated_denials_raise_an_alert(personas, make_dossier, clock):
    clock(WORKDAY_NOON)
    person = make_dossier()
    for _ in range(4):
        with pytest.raises(NotFound):
            policies.dossier_access(personas["ngoai"], person.personal_id)
    [alert] = open_alerts()
    assert (alert.kind, alert.actor_username) == ("repeated_denials", "ngoai")
