"""Citizens' feedback on the public page (R-TRANSPARENT, issue 12 item 4): a rating and a
comment, nothing kept about who sent it, bad input refused in Vietnamese with nothing kept,
rate-limited per address (429), CSRF-protected, audited; the satisfaction column shows only
from HOSO_PUBLIC_MIN_COUNT answers, on the public page and on the dashboard."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import login
from hoso.audit.models import AuditAction, AuditEvent
from hoso.procedures.models import ServiceFeedback

URL = reverse("web:transparency_feedback")
PAGE = reverse("web:transparency")


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    """The rate limit counts in the cache: every test starts from none. Citizens reach the
    node from the networks it allows (here the documentation ranges, RFC 5737 and 3849)."""
    settings.HOSO_ALLOWED_NETWORKS = [
        "127.0.0.0/8",
        "203.0.113.0/24",
        "198.51.100.0/24",
        "2001:db8::/32",
    ]
    cache.clear()
    yield
    cache.clear()


def send(client=None, address="203.0.113.7", **fields):
    data = {"unit": "T01.STC", "rating": "4", "comment": "Giải quyết nhanh, hướng dẫn rõ ràng."}
    return (client or Client()).post(URL, {**data, **fields}, REMOTE_ADDR=address)


def test_a_citizen_rates_a_unit_and_nothing_about_them_is_kept(orgs):
    response = send()
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?da-gui=1#y-kien"
    [kept] = ServiceFeedback.objects.all()
    assert (kept.unit_code, kept.rating, kept.comment) == (
        "T01.STC",
        4,
        "Giải quyết nhanh, hướng dẫn rõ ràng.",
    )
    [event] = AuditEvent.objects.filter(action=AuditAction.FEEDBACK)
    assert event.client_address == "" and event.actor_user_id is None
    assert event.detail["feedback"] == kept.pk and event.detail["rating"] == 4
    stored = repr([vars(kept), vars(event)])
    assert "203.0.113.7" not in stored
    assert "203.0.113.7" not in repr(list(cache._cache.keys()))  # the counter's key is hashed
    body = Client().get(response["Location"]).content.decode()
    assert "Cảm ơn bạn đã góp ý." in body


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"rating": "0"}, "rating", "Mức đánh giá phải là một số nguyên từ 1 đến 5."),
        ({"rating": "6"}, "rating", "Mức đánh giá phải là một số nguyên từ 1 đến 5."),
        ({"rating": "bốn"}, "rating", "Mức đánh giá phải là một số nguyên từ 1 đến 5."),
        ({"rating": ""}, "rating", "Hãy chọn mức đánh giá từ 1 đến 5 sao."),
        ({"unit": ""}, "unit", "Hãy chọn đơn vị bạn muốn đánh giá."),
        ({"unit": "KHONG.CO"}, "unit", "Hãy chọn đơn vị bạn muốn đánh giá."),
        ({"comment": "x" * 1001}, "comment", "Ý kiến dài 1.001 ký tự; tối đa 1.000 ký tự."),
        (
            {"comment": "Tôi là người có số 001085012345, chờ lâu quá."},
            "comment",
            "Ý kiến có dãy 12 chữ số giống số định danh cá nhân.",
        ),
        (
            {"comment": "Gọi lại cho tôi: 0912 345 678."},
            "comment",
            "Ý kiến có dãy số giống số điện thoại hoặc số giấy tờ.",
        ),
        (
            {"comment": "Số của tôi +84 912.345.678"},
            "comment",
            "Ý kiến có dãy số giống số điện thoại hoặc số giấy tờ.",
        ),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_kept(orgs, fields, code, message):
    response = send(**fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ý kiến chưa được gửi: kiểm tra các ô được đánh dấu bên dưới." in body
    assert message in body
    assert 'class="field field--error"' in body or "field--error" in body
    assert not ServiceFeedback.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.FEEDBACK).exists()


def test_an_empty_form_names_each_missing_field(orgs):
    body = Client().post(URL, {}, REMOTE_ADDR="203.0.113.7").content.decode()
    assert "Hãy chọn đơn vị bạn muốn đánh giá." in body
    assert "Hãy chọn mức đánh giá từ 1 đến 5 sao." in body
    assert not ServiceFeedback.objects.exists()


def test_a_short_comment_with_a_date_or_a_count_is_fine(orgs):
    assert send(comment="Nộp ngày 12/10/2026, chờ 3 ngày là xong.").status_code == 302
    assert send(comment="", rating="5").status_code == 302  # the comment may be left out
    assert ServiceFeedback.objects.count() == 2


def test_over_the_limit_an_address_waits_others_do_not(orgs, settings):
    settings.HOSO_FEEDBACK_LIMIT = 2
    assert send().status_code == 302
    assert send(rating="9").status_code == 400  # a refused one counts too
    response = send()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.HOSO_FEEDBACK_WINDOW_SECONDS
    assert "Máy này đã gửi nhiều ý kiến trong thời gian ngắn" in response.content.decode()
    assert ServiceFeedback.objects.count() == 1
    assert send(address="198.51.100.20").status_code == 302  # another machine
    # One IPv6 client holds a whole /64, as for the login.
    assert send(address="2001:db8::1").status_code == 302
    assert send(address="2001:db8::2").status_code == 302
    assert send(address="2001:db8::3").status_code == 429


def test_the_form_needs_its_csrf_token(orgs):
    client = Client(enforce_csrf_checks=True)
    assert send(client).status_code == 403
    page = client.get(PAGE)
    token = page.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    body = client.get(PAGE).content.decode()
    field = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token and send(client, csrfmiddlewaretoken=field).status_code == 302
    assert client.get(URL).status_code == 405


def test_satisfaction_shows_from_the_minimum_number_of_answers(orgs, personas, settings):
    settings.HOSO_PUBLIC_MIN_COUNT = 3
    settings.HOSO_FEEDBACK_LIMIT = 10
    for rating in ("5", "4"):
        send(rating=rating)
    leader = login(Client(), personas["lanhdao"])
    assert "ý kiến)" not in Client().get(PAGE).content.decode()
    assert "ý kiến</span>" not in leader.get(reverse("web:dashboard")).content.decode()
    send(rating="3")
    public = Client().get(PAGE).content.decode()
    assert "4,0/5 (3 ý kiến)" in public
    assert "Sở Tài chính" in public
    assert (
        '4,0/5<br><span class="muted small">3 ý kiến</span>'
        in leader.get(reverse("web:dashboard")).content.decode()
    )


def test_the_demo_answers_show_the_satisfaction_of_its_procedures_unit(personas, make_dossier):
    from io import StringIO

    from tests.procedures.common import proposed_appointments

    from hoso.demo.feedback import feedback_create

    [person] = proposed_appointments(personas, make_dossier, 1)
    assert feedback_create(StringIO()) == 5
    assert feedback_create(StringIO()) == 0  # once
    assert set(ServiceFeedback.objects.values_list("unit_code", flat=True)) == {
        person.current_unit.code
    }
    assert "4,2/5 (5 ý kiến)" in Client().get(PAGE).content.decode()
