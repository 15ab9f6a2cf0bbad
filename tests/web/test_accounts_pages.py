"""The account administration pages: the system administrator's only, no dossier data, forms
that accept only their declared fields, and every change ending the sessions it should."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, login
from hoso.access import services
from hoso.access.mfa import base32_secret, confirmed_device
from hoso.access.models import Role, RoleAssignment, User
from hoso.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
NEW_PASSWORD = "mat-khau-moi-2026"


def text(response) -> str:
    return _CSRF.sub("", response.content.decode())


@pytest.fixture
def admin(client, personas):
    return login(client, personas["quantri"])


@pytest.fixture
def employee(personas, make_dossier):
    """An account linked to a dossier: its person's data must never show on these pages."""
    person = make_dossier(full_name="Phạm Thị Duyên", sex="F")
    user = services.user_create(
        acting_user=None,
        username="canbo",
        password=PASSWORD,
        full_name="Phạm Thị Duyên",
        personal_id=person.personal_id,
    )
    services.role_assign(
        acting_user=None,
        user=user,
        role=Role.EMPLOYEE,
        organization=None,
        valid_from=date(2025, 7, 1),
    )
    return user


def admin_urls(username: str = "quanly", duty_id: int = 1) -> list[str]:
    return [
        reverse("web:accounts"),
        reverse("web:account_create"),
        reverse("web:account", args=[username]),
        reverse("web:account_duty_assign", args=[username]),
        reverse("web:account_duty_end", args=[username, duty_id]),
        reverse("web:account_password", args=[username]),
        reverse("web:account_disable", args=[username]),
        reverse("web:account_totp", args=[username]),
    ]


# --- only the administrator ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["nhaplieu", "quanly", "lanhdao", "thanhtra", "ngoai"])
def test_every_other_role_gets_the_404_page(persona, personas):
    client = login(Client(), personas[persona])
    duty = personas["quanly"].role_assignments.get()
    missing = client.get("/khong-co-trang-nay/")
    for url in admin_urls(duty_id=duty.pk):
        for method in (client.get, client.post):
            response = method(url, {"confirm": "on", "password1": NEW_PASSWORD})
            assert response.status_code == 404, (url, method)
            assert text(response) == text(missing)
    body = text(client.get(reverse("web:search")))
    assert "Quản trị tài khoản" not in body
    assert User.objects.get(username="quanly").is_active
    assert User.objects.get(username="quanly").check_password(PASSWORD)


def test_anonymous_visitors_are_sent_to_login(client, personas):
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_the_administrator_has_a_menu_link(admin):
    body = text(admin.get(reverse("web:search")))
    assert f'href="{reverse("web:accounts")}"' in body and "Quản trị tài khoản" in body


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_accounts_and_duties_but_no_dossier_data(admin, personas, employee):
    services.account_disable(acting_user=personas["quantri"], user=personas["ngoai"])
    response = admin.get(reverse("web:accounts"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = text(response)
    for expected in (
        "Quản trị tài khoản",
        "quanly",
        "Cán bộ quản lý hồ sơ – Ủy ban nhân dân tỉnh Thử Nghiệm",
        "(01/07/2025 – nay)",
        "Đang hoạt động",
        "Đã khóa",
        "Chưa đăng ký",
        "Đã đăng ký",
        "Cán bộ, công chức, viên chức",
        "Tạo tài khoản",
    ):
        assert expected in body, expected
    assert "canbo" in body
    detail = text(admin.get(reverse("web:account", args=["canbo"])))
    # Nothing of the dossier behind the account: not even its id, birth date or phone.
    for page in (body, detail):
        for dossier_value in (employee.personal_id, "14/03/1985", "0912345678"):
            assert dossier_value not in page


def test_the_list_searches_by_name_without_case(admin, personas):
    body = text(admin.get(reverse("web:accounts"), {"q": "QUANLY"}))
    assert "quanly" in body and "thanhtra" not in body
    assert "1 tài khoản" in body


def test_the_list_runs_a_bounded_number_of_queries(
    admin, orgs, django_assert_max_num_queries, settings
):
    for i in range(15):
        user = services.user_create(
            acting_user=None, username=f"tk{i:02d}", password=PASSWORD, full_name=f"Người {i}"
        )
        services.role_assign(
            acting_user=None,
            user=user,
            role=Role.CLERK,
            organization=orgs["finance"],
            valid_from=date(2025, 7, 1),
        )
    admin.get(reverse("web:accounts"))
    # Session, user, device, duties (header), accounts page with TOTP flags, count, their
    # duties with units, the menu: nothing per account.
    with django_assert_max_num_queries(14):
        assert admin.get(reverse("web:accounts")).status_code == 200


# --- creating an account ---------------------------------------------------------------------


def test_creating_an_account_sets_only_the_declared_fields(admin, personas, employee):
    response = admin.post(
        reverse("web:account_create"),
        {
            "username": "chuyenvien",
            "full_name": "Chuyên viên Sở Nội vụ",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            # Not fields of the form: ignored (no mass assignment).
            "is_superuser": "on",
            "is_staff": "on",
            "personal_id": employee.personal_id,
            "security_stamp": "99",
            "failed_logins": "9",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:account", args=["chuyenvien"])
    user = User.objects.get(username="chuyenvien")
    assert user.full_name == "Chuyên viên Sở Nội vụ" and user.check_password(NEW_PASSWORD)
    assert not user.is_superuser and not user.is_staff and user.personal_id == ""
    assert user.security_stamp == 0 and user.failed_logins == 0
    assert not user.role_assignments.exists() and confirmed_device(user) is None
    event = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CHANGE).latest("seq")
    assert event.actor_username == "quantri" and event.detail["account"] == "chuyenvien"
    page = text(admin.get(response["Location"]))
    assert "Đã tạo tài khoản «chuyenvien»" in page and "đăng ký mã xác thực" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "nguoi moi"}, "không có dấu cách"),
        ({"username": "QUANLY"}, "Tên đăng nhập đã được dùng."),
        ({"password1": "ngan", "password2": "ngan"}, "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
        ({"password2": "khac-mat-khau-123"}, "Hai lần nhập mật khẩu không khớp."),
        ({"full_name": ""}, "Hãy nhập họ và tên người dùng tài khoản."),
    ],
)
def test_a_bad_new_account_is_refused_in_vietnamese(admin, personas, data, message):
    before = User.objects.count()
    fields = {
        "username": "moi",
        "full_name": "Người mới",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **data,
    }
    response = admin.post(reverse("web:account_create"), fields)
    assert response.status_code == 400
    assert message in text(response)
    assert User.objects.count() == before


# --- duties ----------------------------------------------------------------------------------


def test_assigning_a_duty_records_its_decision_and_ends_the_users_sessions(admin, personas, orgs):
    target = login(Client(), personas["ngoai"])
    response = admin.post(
        reverse("web:account_duty_assign", args=["ngoai"]),
        {
            "role": Role.RECORDS_MANAGER,
            "organization": "T01.STC",
            "valid_from": "01/01/2026",
            "valid_to": "",
            "decision_ref": "Quyết định số 12/QĐ-STC ngày 31/12/2025",
            # Ignored: not fields of the form.
            "user": str(personas["quanly"].pk),
            "assigned_by": "ai-do",
        },
    )
    assert response.status_code == 302
    duty = RoleAssignment.objects.get(user=personas["ngoai"], role=Role.RECORDS_MANAGER)
    assert duty.organization == orgs["finance"] and duty.valid_from == date(2026, 1, 1)
    assert duty.valid_to is None and duty.assigned_by == "quantri"
    assert duty.decision_ref == "Quyết định số 12/QĐ-STC ngày 31/12/2025"
    assert (
        not personas["quanly"]
        .role_assignments.filter(role=Role.RECORDS_MANAGER, organization=orgs["finance"])
        .exists()
    )
    target_response = target.get(reverse("web:search"))
    assert target_response.status_code == 302
    assert target_response["Location"].startswith(reverse("web:login"))
    body = text(admin.get(reverse("web:account", args=["ngoai"])))
    assert "Sở Tài chính" in body and "01/01/2026 – nay" in body  # the duty's unit and dates


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"organization": ""}, "Vai trò này phải gắn với một cơ quan, đơn vị."),
        ({"organization": "KHONG-CO"}, "Đơn vị «KHONG-CO» không có."),
        ({"role": "superuser"}, "Vai trò «superuser» không có."),
        ({"valid_from": "31/02/2026"}, "Từ ngày: hãy nhập ngày theo dạng dd/mm/yyyy"),
        ({"valid_to": "01/01/2025"}, "Ngày kết thúc trước ngày bắt đầu."),
        ({"decision_ref": ""}, "Hãy ghi văn bản giao nhiệm vụ."),
    ],
)
def test_a_bad_duty_is_refused_in_vietnamese(admin, personas, data, message):
    before = RoleAssignment.objects.count()
    fields = {
        "role": Role.CLERK,
        "organization": "T01.STC",
        "valid_from": "01/01/2026",
        "decision_ref": "Quyết định 1",
        **data,
    }
    response = admin.post(reverse("web:account_duty_assign", args=["ngoai"]), fields)
    assert response.status_code == 400
    assert message in text(response)
    assert RoleAssignment.objects.count() == before


def test_ending_a_duty_dates_it_and_ends_the_users_sessions(admin, personas):
    target = login(Client(), personas["nhaplieu"])
    duty = personas["nhaplieu"].role_assignments.get()
    prefix = f"ket-thuc-{duty.pk}"
    response = admin.post(
        reverse("web:account_duty_end", args=["nhaplieu", duty.pk]),
        {f"{prefix}-valid_to": "31/12/2025", f"{prefix}-decision_ref": "Quyết định 7/QĐ-STC"},
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.valid_to == date(2025, 12, 31)
    assert target.get(reverse("web:search")).status_code == 302
    response = admin.post(
        reverse("web:account_duty_end", args=["nhaplieu", duty.pk]),
        {f"{prefix}-valid_to": "01/01/2025", f"{prefix}-decision_ref": "Quyết định 8"},
    )
    assert response.status_code == 400
    assert "Ngày kết thúc trước ngày bắt đầu nhiệm vụ (01/07/2025)." in text(response)


def test_a_duty_of_another_account_is_not_found(admin, personas):
    duty = personas["quanly"].role_assignments.get()
    response = admin.post(reverse("web:account_duty_end", args=["nhaplieu", duty.pk]), {})
    assert response.status_code == 404


# --- disable, password, second factor -----------------------------------------------------


def test_disabling_needs_a_confirmation_then_ends_sessions_and_tokens(admin, personas):
    target = login(Client(), personas["quanly"])
    token = services.token_create(acting_user=None, user=personas["quanly"])
    response = admin.post(reverse("web:account_disable", args=["quanly"]), {})
    assert response.status_code == 400
    assert "Hãy đánh dấu xác nhận" in text(response)
    assert User.objects.get(username="quanly").is_active
    response = admin.post(reverse("web:account_disable", args=["quanly"]), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.get(username="quanly").is_active
    assert target.get(reverse("web:search")).status_code == 302
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/people")
    assert api.status_code == 401
    assert "Đã khóa" in text(admin.get(reverse("web:account", args=["quanly"])))


def test_a_password_reset_works_at_once_and_ends_the_users_sessions(admin, personas):
    target = login(Client(), personas["quanly"])
    response = admin.post(
        reverse("web:account_password", args=["quanly"]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "is_superuser": "on"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="quanly")
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    assert not user.is_superuser
    assert target.get(reverse("web:search")).status_code == 302
    login(Client(), user, password=NEW_PASSWORD)  # the new password opens the account
    weak = admin.post(
        reverse("web:account_password", args=["quanly"]),
        {"password1": "password12345", "password2": "password12345"},
    )
    assert weak.status_code == 400
    assert "Mật khẩu này quá phổ biến" in text(weak)


def test_enrolling_a_second_factor_shows_the_secret_once(admin, personas):
    user = personas["lanhdao"]
    old = login(Client(), user)
    old_device = confirmed_device(user)
    page = admin.get(reverse("web:account_totp", args=["lanhdao"]))
    assert page.status_code == 200
    assert "khóa cũ hết hiệu lực" in text(page)
    response = admin.post(reverse("web:account_totp", args=["lanhdao"]), {"confirm": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = text(response)
    device = confirmed_device(user)
    secret = base32_secret(device)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in body
    assert f"otpauth://totp/hoso%3Alanhdao?secret={secret}" in body.replace("&amp;", "&")
    assert device.pk != old_device.pk
    assert old.get(reverse("web:search")).status_code == 302  # its sessions ended
    again = text(admin.get(reverse("web:account", args=["lanhdao"])))
    assert secret not in again and grouped not in again  # never shown twice
    assert secret not in str(dict(admin.session))


def test_the_administrator_changes_nothing_of_their_own_account(admin, personas):
    body = text(admin.get(reverse("web:account", args=["quantri"])))
    assert "Đây là tài khoản của chính bạn" in body
    assert reverse("web:account_password", args=["quantri"]) not in body
    response = admin.post(
        reverse("web:account_password", args=["quantri"]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "không tự thay đổi tài khoản của chính mình" in text(response)
    assert User.objects.get(username="quantri").check_password(PASSWORD)


def test_an_unknown_account_is_not_found(admin):
    response = admin.get(reverse("web:account", args=["khong-co"]))
    assert response.status_code == 404
    assert "Không tìm thấy tài khoản" in text(response)


def test_account_pages_have_no_inline_script_handler_or_style(admin, personas):
    duty = personas["quanly"].role_assignments.get()
    pages = [admin.get(url) for url in admin_urls(duty_id=duty.pk) if "nhiem-vu" not in url]
    pages.append(admin.post(reverse("web:account_totp", args=["quanly"]), {"confirm": "on"}))
    pages.append(Client().get(reverse("web:login")))
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert not _INLINE_SCRIPT.search(body)
        assert not _EVENT_HANDLER.search(body)
        assert not _STYLE_ATTRIBUTE.search(body)
