"""Every date and time a person reads is Vietnam time (issue 16, item 2): at 02:30 in Hà Nội
the UTC clock still shows the day before, and pages, exports and stamps must not."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from hoso.changes.services import discrepancies
from hoso.core.dates import vn, vn_time
from hoso.documents.stamping import Mark

# 19:30 UTC on 6 December is 02:30 on 7 December in Vietnam (UTC+7).
NIGHT = datetime(2026, 12, 6, 19, 30, tzinfo=UTC)


@pytest.fixture
def night(monkeypatch):
    """The node's clock frozen at 02:30 Vietnam time: `django.utils.timezone.now` is the one
    clock every service reads (`localtime()` and `localdate()` go through it too)."""
    monkeypatch.setattr(timezone, "now", lambda: NIGHT)
    return NIGHT


def test_a_moment_between_midnight_and_seven_is_shown_on_its_vietnamese_day():
    assert vn(NIGHT) == "07/12/2026"
    assert vn_time(NIGHT) == "07/12/2026 02:30"
    assert vn(date(2026, 12, 6)) == "06/12/2026"  # a plain date is no moment: unchanged


def test_a_discrepancy_reported_at_half_past_two_shows_one_day_everywhere(
    night, client, personas, make_dossier
):
    """The report page, its warning on the dossier and the list all say 07/12/2026."""
    person = make_dossier()
    found = discrepancies.discrepancy_report(
        acting_user=personas["lanhdao"],
        personal_id=person.personal_id,
        sections=["identity"],
        field="identity.birth_place",
        paper_says="Xã Ninh Hải",
    )
    assert found.reported_at == NIGHT
    login(client, personas["quanly"])
    for url in (
        reverse("web:discrepancy", args=[found.pk]),
        reverse("web:dossier", args=[person.personal_id]),
        reverse("web:discrepancies"),
    ):
        html = client.get(url).content.decode()
        assert "07/12/2026" in html, url
        assert "06/12/2026" not in html, url


def test_the_audit_export_names_its_time_and_its_events_in_vietnam_time(
    night, client, personas, make_dossier
):
    person = make_dossier()
    login(client, personas["quanly"])
    assert client.get(reverse("web:dossier", args=[person.personal_id])).status_code == 200
    login(client, personas["thanhtra"])
    response = client.post(reverse("web:audit_export"))
    assert response.status_code == 200
    assert 'filename="nhat-ky-20261207-023000-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    head = " ".join(" ".join(r) for r in rows[:3])
    assert "Thời điểm (giờ Việt Nam): 07/12/2026 02:30:00" in head
    columns = rows.index(next(r for r in rows if r and r[0] == "Số thứ tự"))
    events = rows[columns + 1 :]
    assert events and all(r[1] == "07/12/2026 02:30:00" for r in events)
    assert all(r[2] == "2026-12-06T19:30:00Z" for r in events)  # the UTC column, labelled so
    purposes = {r[10] for r in events if r[10]}
    assert "Xem hồ sơ trên trang" in purposes and "view" not in purposes


def test_the_stamp_of_a_served_copy_says_the_vietnamese_day_and_hour():
    mark = Mark(viewer="Nguyễn Văn An", username="an", at=NIGHT, export_id="x")
    assert mark.when == "07/12/2026 02:30"
    assert "07/12/2026 02:30" in mark.text
