"""The real-time view of the work (R-EVAL-REALTIME): leaders and auditors only, live by htmx
polling, an overdue step shown on the right working day, and no dossier content."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.procedures.common import act
from tests.procedures.test_dashboard import BEFORE_TET, LAST_DAY, NEXT_WORKING_DAY, at, start
from tests.web.test_names_on_pages import _visible
from tests.web.tour import Vocabulary, text_leaks

from conftest import login

URL = reverse("web:dashboard")


def page(client, user, **headers):
    login(client, user)
    return client.get(URL, **headers)


@pytest.fixture
def clock(monkeypatch):
    """The node's clock, set to nine in the morning of a day in Vietnam."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(timezone, "now", lambda: at(day))

    return set_day


@pytest.fixture
def before_tet(clock, personas, make_dossier):
    clock(BEFORE_TET)
    person = make_dossier(unit="T01.STC", full_name="Phạm Thị Dung")
    return start(personas["nhaplieu"], person, BEFORE_TET), person


def test_an_overdue_step_shows_on_the_next_working_day_not_on_the_last(
    client, clock, personas, before_tet
):
    procedure, person = before_tet
    clock(LAST_DAY)
    body = page(client, personas["lanhdao"]).content.decode()
    assert "Không có bước nào quá hạn." in body
    assert 'class="overdue-step"' not in body
    clock(NEXT_WORKING_DAY)
    body = page(client, personas["lanhdao"]).content.decode()
    assert 'class="overdue-step"' in body
    assert "27/02/2026" in body and "1 ngày làm việc" in body
    assert f"/{procedure.pk}" in body  # the drill-down to the procedure
    assert person.personal_id not in body and person.full_name not in body


def test_the_fragment_is_what_htmx_polls_every_ten_seconds(client, personas, before_tet):
    whole = page(client, personas["thanhtra"]).content.decode()
    assert 'hx-trigger="every 10s"' in whole and f'hx-get="{URL}"' in whole
    assert "<html" in whole
    fragment = client.get(URL, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body and body.startswith('<div id="so-lieu-dieu-hanh"')
    assert 'hx-trigger="every 10s"' in body  # the swapped fragment keeps polling


def test_the_numbers_people_compare_are_bar_charts(client, personas, make_dossier):
    procedure = start(personas["nhaplieu"], make_dossier(unit="T01.STC"))
    act(personas["nhaplieu"], procedure, "appointment.proposal", key="p")  # with its documents
    body = page(client, personas["lanhdao"]).content.decode()
    assert "Tỷ lệ bước xử lý đúng hạn theo cán bộ" in body
    assert "Tỷ lệ bước xử lý đúng hạn theo đơn vị" in body
    assert body.count('<svg class="bar-chart"') >= 2
    assert "Bổ nhiệm" in body  # the procedure type by its Vietnamese name


@pytest.mark.parametrize("persona", ["nhaplieu", "quanly", "quantri", "ngoai"])
def test_nobody_else_sees_it(client, personas, persona):
    response = page(client, personas[persona])
    assert response.status_code == 403
    assert "dành cho lãnh đạo" in response.content.decode()
    assert client.get(URL, HTTP_HX_REQUEST="true").status_code == 403


def test_a_visitor_is_sent_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_the_link_is_in_the_menu_of_leaders_only(client, personas):
    link = f'href="{URL}"'
    assert link in page(client, personas["lanhdao"]).content.decode()
    client.logout()
    assert link not in page(client, personas["nhaplieu"]).content.decode()


def test_the_page_costs_the_same_queries_for_many_procedures(
    client, personas, make_dossier, django_assert_max_num_queries
):
    start(personas["nhaplieu"], make_dossier(unit="T01.STC"))
    login(client, personas["thanhtra"])
    with django_assert_max_num_queries(40) as first:
        client.get(URL, HTTP_HX_REQUEST="true")
    for unit in ("T01.STC", "T01.STC.NS", "T01.STC", "T01.STC.NS", "T01.STC"):
        start(personas["nhaplieu"], make_dossier(unit=unit))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(URL, HTTP_HX_REQUEST="true").status_code == 200


def test_a_person_reads_no_code_on_it(client, clock, personas, before_tet):
    """Duties, types, steps and units by their Vietnamese names (the tour's own check)."""
    clock(NEXT_WORKING_DAY)
    html = page(client, personas["thanhtra"]).content.decode()
    assert "Cán bộ nhập liệu" in html and "Đề xuất nhân sự" in html
    assert text_leaks(_visible(html), Vocabulary.from_database()) == []
