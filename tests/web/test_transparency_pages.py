"""The public page of service figures (R-TRANSPARENT): open without login, aggregates only."""

from django.test import Client
from django.urls import reverse
from tests.procedures.common import proposed_appointments


def test_anyone_reads_each_units_figures_and_no_person_is_named(personas, make_dossier, settings):
    settings.HOSO_PUBLIC_MIN_COUNT = 5
    people = proposed_appointments(personas, make_dossier, 5)
    response = Client().get(reverse("web:transparency"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Công khai kết quả giải quyết công việc nhân sự" in body
    assert "Tỷ lệ bước xử lý đúng hạn theo đơn vị" in body  # the chart, drawn by the node
    assert '<td class="num">5</td>' in body  # five running
    assert "100,0%" in body  # every step so far within its deadline
    for person in people:
        assert person.personal_id not in body and person.full_name not in body
    assert "Đăng xuất" not in body  # a public page, no account menu
    # … and no notice of a classified document in its footer: what it shows is public.
    assert "Tài liệu mật" not in body
    assert "không có thông tin của cá nhân nào" in body.split('<footer class="site-footer">')[1]


def test_a_unit_with_fewer_procedures_than_the_minimum_is_not_shown(
    personas, make_dossier, settings
):
    settings.HOSO_PUBLIC_MIN_COUNT = 6
    proposed_appointments(personas, make_dossier, 5)
    body = Client().get(reverse("web:transparency")).content.decode()
    assert "Chưa có đơn vị nào đủ số liệu để công bố." in body
    assert "<tbody>" not in body


def test_the_page_changes_nothing(db):
    assert Client().post(reverse("web:transparency")).status_code == 405
