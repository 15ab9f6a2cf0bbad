"""The pages: Vietnamese, behind login, and every dossier read through the access gate."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from conftest import PASSWORD, login

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


@pytest.fixture
def signed_in(client, personas):
    """`signed_in("quanly")` is the test client logged in as that persona (password and code)."""

    def signed(username: str):
        return login(client, personas[username])

    return signed


@pytest.fixture
def people(make_dossier) -> dict:
    """Two dossiers of the province: one in the finance department, one in the commune."""
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", birth_date=date(1990, 7, 2),
                            unit="T01.XA"),
    }


def text(response) -> str:
    """The page without its per-render CSRF token, so two pages can be compared."""
    return _CSRF.sub("", response.content.decode())


def page_urls(people, orgs) -> list[str]:
    return [
        reverse("web:search"),
        reverse("web:search") + "?q=nguyen",
        reverse("web:dossier", args=[people["an"].personal_id]),
        reverse("web:orgs"),
        reverse("web:org", args=[orgs["finance"].code]),
        reverse("web:completeness"),
        reverse("web:catalogs"),
        reverse("web:catalog", args=["ethnicity"]),
    ]


# --- signing in ------------------------------------------------------------------------------


def test_login_page_is_in_vietnamese(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    body = text(response)
    assert 'lang="vi"' in body
    assert "Tên đăng nhập" in body and "Mật khẩu" in body and "Đăng nhập" in body


def test_the_right_password_then_the_code_open_the_search_page(client, personas):
    from hoso.access.mfa import acceptable_code
    from hoso.access.services import totp_enrol

    device = totp_enrol(acting_user=None, user=personas["quanly"])[0]
    response = client.post(reverse("web:login"), {"username": "quanly", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:otp"))
    assert client.get(reverse("web:search")).status_code == 302  # the code is still due
    response = client.post(reverse("web:otp"), {"code": acceptable_code(device)[0]})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:search")
    assert "Tra cứu hồ sơ" in text(client.get(reverse("web:search")))


def test_login_with_a_wrong_password_says_so_in_vietnamese(client, personas):
    response = client.post(reverse("web:login"), {"username": "quanly", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text(response)
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_passwords_lock_the_name_out_from_that_address_whatever_the_password(
    client, personas, settings
):
    settings.HOSO_LOCKOUT_THRESHOLD = 3
    for _ in range(3):
        client.post(reverse("web:login"), {"username": "quanly", "password": "sai-mat-khau"})
    response = client.post(reverse("web:login"), {"username": "quanly", "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # How long to wait, the same for any name typed: the page never tells that it exists.
    assert "Đã đăng nhập sai nhiều lần từ máy này" in text(response)
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_returns_to_login(signed_in):
    client = signed_in("quanly")
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert client.get(reverse("web:search")).status_code == 302


def test_anonymous_users_are_sent_to_login_from_every_page(client, people, orgs):
    for url in page_urls(people, orgs):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:login") + "?next="), url


# --- every page, for a reading persona -------------------------------------------------------


def test_every_page_renders_for_a_records_manager(signed_in, people, orgs):
    client = signed_in("quanly")
    for url in page_urls(people, orgs):
        response = client.get(url)
        assert response.status_code == 200, url
        body = text(response)
        assert "Hồ sơ điện tử cán bộ, công chức, viên chức" in body
        assert "Cán bộ quản lý hồ sơ – Ủy ban nhân dân tỉnh Thử Nghiệm" in body  # duties
        for label in ("Tra cứu hồ sơ", "Tổ chức và biên chế", "Mức độ đầy đủ", "Danh mục"):
            assert label in body


def test_pages_have_no_inline_script_handler_or_style(signed_in, people, orgs, client):
    # A strict Content-Security-Policy will forbid them.
    pages = [client.get(reverse("web:login"))]
    client = signed_in("quanly")
    pages += [client.get(url) for url in page_urls(people, orgs)]
    for response in pages:
        body = response.content.decode()
        assert not _INLINE_SCRIPT.search(body), response.request["PATH_INFO"]
        assert not _EVENT_HANDLER.search(body), response.request["PATH_INFO"]
        assert not _STYLE_ATTRIBUTE.search(body), response.request["PATH_INFO"]
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in body


# --- search ----------------------------------------------------------------------------------


def test_search_without_diacritics_finds_nguyen_van_an(signed_in, people):
    body = text(signed_in("quanly").get(reverse("web:search"), {"q": "nguyen van an"}))
    assert "Nguyễn Văn An" in body
    assert "Đặng Thị Hoa" not in body
    assert "Tìm thấy <strong>1</strong> hồ sơ" in body
    assert "14/03/1985" in body


def test_search_maps_d_to_dj(signed_in, people):
    body = text(signed_in("quanly").get(reverse("web:search"), {"q": "dang"}))
    assert "Đặng Thị Hoa" in body
    assert "Nguyễn Văn An" not in body


def test_results_are_in_vietnamese_name_order(signed_in, make_dossier):
    for name in ("Nguyễn Văn Đức", "Trần Văn Bình", "Phạm Thị Dung", "Lê Thị An"):
        make_dossier(full_name=name, sex="F" if "Thị" in name else "M")
    body = text(signed_in("quanly").get(reverse("web:search")))
    # Given name first; "d" comes before "đ" in the Vietnamese alphabet.
    order = ["Lê Thị An", "Trần Văn Bình", "Phạm Thị Dung", "Nguyễn Văn Đức"]
    positions = [body.index(name) for name in order]
    assert positions == sorted(positions)


def test_search_lists_only_people_in_the_users_scope(signed_in, people):
    body = text(signed_in("nhaplieu").get(reverse("web:search")))  # clerk of the department
    assert "Nguyễn Văn An" in body
    assert "Đặng Thị Hoa" not in body  # the commune is outside the department


def test_search_filters_by_unit_subtree_and_sex(signed_in, people):
    client = signed_in("quanly")
    body = text(client.get(reverse("web:search"), {"unit": "T01.XA"}))
    assert "Đặng Thị Hoa" in body and "Nguyễn Văn An" not in body
    body = text(client.get(reverse("web:search"), {"sex": "M"}))
    assert "Nguyễn Văn An" in body and "Đặng Thị Hoa" not in body


def test_search_pages_by_twenty(signed_in, make_dossier):
    for i in range(21):
        make_dossier(full_name=f"Nguyễn Văn {'ABCDEFGHIKLMNOPQRSTUVXY'[i]}inh")
    client = signed_in("quanly")
    first = text(client.get(reverse("web:search")))
    assert "Tìm thấy <strong>21</strong> hồ sơ" in first
    assert "Trang 1 / 2" in first
    assert first.count('class="person-link"') == 20
    second = text(client.get(reverse("web:search"), {"page": "2"}))
    assert "Trang 2 / 2" in second
    assert second.count('class="person-link"') == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"unit": "KHONG-CO"}, "Đơn vị «KHONG-CO» không có hoặc ngoài phạm vi"),
        ({"age_min": "50", "age_max": "40"}, "Tuổi từ (50) lớn hơn tuổi đến (40)"),
        ({"age_min": "ba mươi"}, "Tuổi từ phải là một số nguyên"),
        ({"age_max": "-3"}, "Tuổi đến không thể nhỏ hơn 0"),
        ({"sex": "X"}, "Giới tính: giá trị «X» không có trong danh mục"),
        ({"ethnicity": "99x"}, "Dân tộc: giá trị «99x» không có trong danh mục"),
        ({"party_member": "maybe"}, "Đảng viên: giá trị «maybe» không hợp lệ"),
        ({"q": "a" * 201}, "Nội dung tìm kiếm dài quá 200 ký tự"),
    ],
)
def test_bad_filters_get_a_vietnamese_message_not_an_error(signed_in, people, query, message):
    response = signed_in("quanly").get(reverse("web:search"), query)
    assert response.status_code == 400
    body = text(response)
    assert "Bộ lọc chưa đúng" in body
    assert message in body
    assert "Nguyễn Văn An" not in body


def test_a_bad_page_number_shows_a_page(signed_in, people):
    for page in ("abc", "0", "999"):
        response = signed_in("quanly").get(reverse("web:search"), {"page": page})
        assert response.status_code == 200
        assert "Nguyễn Văn An" in text(response)


def test_live_search_answers_htmx_with_the_results_fragment(signed_in, people):
    response = signed_in("quanly").get(
        reverse("web:search"), {"q": "nguyen", "unit": "", "sex": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert "Nguyễn Văn An" in body
    assert response["HX-Push-Url"] == "/?q=nguyen"  # empty filters left out of the address
    assert "HX-Request" in response["Vary"]


def test_live_search_shows_a_bad_filter_message_with_200_so_htmx_swaps_it(signed_in, people):
    response = signed_in("quanly").get(
        reverse("web:search"), {"age_min": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Tuổi từ phải là một số nguyên" in text(response)


def test_the_system_administrator_sees_no_dossier_and_is_told_why(signed_in, people):
    client = signed_in("quantri")
    for url in (reverse("web:search") + "?q=nguyen", reverse("web:completeness")):
        response = client.get(url)
        assert response.status_code == 200
        body = text(response)
        assert "Tài khoản này không đọc nội dung hồ sơ" in body
        assert "Quản trị hệ thống" in body
        assert "Nguyễn Văn An" not in body and "Đặng Thị Hoa" not in body
        assert "Sở Tài chính" not in body


def test_a_page_of_results_and_a_dossier_view_are_audited(signed_in, people):
    from hoso.audit.models import AuditAction, AuditEvent

    client = signed_in("quanly")
    client.get(reverse("web:search"), {"q": "nguyen", "unit": ""})
    listing = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert listing.actor_username == "quanly"
    assert listing.detail["shown"] == [people["an"].personal_id]
    assert listing.detail["query"] == {"q": "nguyen"}
    client.get(reverse("web:dossier", args=[people["an"].personal_id]))
    assert AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_ALLOWED, personal_id=people["an"].personal_id
    ).exists()


def test_search_pages_are_not_cached(signed_in, people):
    response = signed_in("quanly").get(reverse("web:search"))
    assert "no-store" in response["Cache-Control"]


# --- the dossier -----------------------------------------------------------------------------


def test_the_dossier_reads_like_the_paper_resume(signed_in, people):
    person = people["an"]
    response = signed_in("quanly").get(reverse("web:dossier", args=[person.personal_id]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = text(response)
    for expected in (
        "Mẫu 2C-BNV/2008", "Cơ quan quản lý cán bộ, công chức", "Đơn vị sử dụng cán bộ, công chức",
        "Số hiệu cán bộ, công chức", person.personal_id, "Ảnh 4×6", "NGUYỄN VĂN AN",
        "Thông tin chung", "Đào tạo, bồi dưỡng", "Quan hệ gia đình", "Tóm tắt quá trình công tác",
        "Mẫu 2C: mục 30", "14/03/1985", "Học viện Tài chính", "Bố đẻ", "Chưa có thông tin",
        "Mức độ đầy đủ: 100%", "2,34",  # coefficients with a decimal comma
    ):
        assert expected in body, expected
    # Sections appear in the résumé's order.
    assert body.index("Thông tin chung") < body.index("Đào tạo, bồi dưỡng") < body.index(
        "Quan hệ gia đình"
    )


def test_the_dossier_lists_and_highlights_missing_required_items(signed_in, make_dossier):
    person = make_dossier(health=[], identity={"social_insurance_number": ""})
    body = text(signed_in("quanly").get(reverse("web:dossier", args=[person.personal_id])))
    assert f"Mức độ đầy đủ: {round(person.completeness * 100)}%" in body
    assert person.completeness < 1
    assert "Còn thiếu 2 mục bắt buộc" in body
    assert "Thông tin chung: Số sổ BHXH" in body  # the required_field catalog's names
    assert "dossier-section--missing" in body  # the empty health section
    assert 'class="field-grid__item is-missing"' in body  # the empty field, in place
    assert "Còn thiếu</span>" in body


def test_an_outsider_gets_the_same_404_as_for_a_missing_dossier(signed_in, people):
    client = signed_in("ngoai")  # a clerk of another agency
    existing = client.get(reverse("web:dossier", args=[people["an"].personal_id]))
    missing = client.get(reverse("web:dossier", args=["001099999999"]))
    assert existing.status_code == missing.status_code == 404
    assert text(existing) == text(missing)
    assert "Không tìm thấy hồ sơ này, hoặc bạn không có quyền xem." in text(existing)
    assert "Nguyễn Văn An" not in text(existing)


def test_an_outsider_finds_no_one_in_search(signed_in, people):
    body = text(signed_in("ngoai").get(reverse("web:search"), {"q": "nguyen"}))
    assert "Tìm thấy <strong>0</strong> hồ sơ" in body


def test_a_leader_sees_fields_above_the_roles_ceiling_masked(signed_in, make_dossier):
    from hoso.access import policies

    person = make_dossier()
    visible = policies.fields_up_to(policies.role_ceilings()["leader"])
    body = text(signed_in("lanhdao").get(reverse("web:dossier", args=[person.personal_id])))
    assert "NGUYỄN VĂN AN" in body
    values = {"identity.phone": "0912345678", "identity.social_insurance_number": "0112345678"}
    for field_id, value in values.items():
        assert (value in body) == (field_id in visible), field_id
    assert set(values) - visible  # the catalog classes both above a leader's ceiling
    assert "Đã che" in body
    assert "Đã che: cần văn bản phê duyệt cho phép xem thông tin mức" in body


def test_a_history_none_of_whose_fields_may_be_seen_is_left_out(make_dossier):
    from hoso.access.policies import DossierAccess
    from hoso.people.sections import all_field_ids
    from hoso.web.presenters.dossier import dossier_view

    person = make_dossier(
        party=[{"admission_date": "2010-05-19", "official_date": "2011-05-19"}]
    )
    fields = frozenset(f for f in all_field_ids() if not f.startswith(("party.", "identity.phone")))
    shown = dossier_view(DossierAccess(person, fields, ("duty",)))
    keys = [s.key for s in shown.sections]
    assert "party" not in keys  # even its row count says something
    identity = next(s for s in shown.sections if s.key == "identity")
    phone = next(c for c in identity.rows[0] if c.label == "Số điện thoại")
    assert phone.masked and phone.value == ""
    assert identity.mask_notes


# --- organizations ---------------------------------------------------------------------------


def test_the_organization_tree_shows_units_with_dates_and_headcount(signed_in, people):
    body = text(signed_in("quanly").get(reverse("web:orgs")))
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" in body
    assert "Phòng Ngân sách" in body and "depth-2" in body
    assert "01/07/2025 – nay" in body
    assert "Sở, ban, ngành" in body


def test_a_unit_page_shows_quotas_with_over_quota_highlighted(signed_in, people, orgs):
    from hoso.orgs.models import StaffingQuota
    from hoso.staffing.services import PositionSpec, job_position_create

    # A quota the people at work have outgrown since (quota_set refuses one below them).
    StaffingQuota.objects.create(organization=orgs["finance"], year=2026,
                                 staff_category="civil_servant", quota=0,
                                 legal_basis="Quyết định 1/QĐ-UBND")
    job_position_create(acting_user=None, organization=orgs["finance"], code="VT01",
                        spec=PositionSpec(name="Chuyên viên quản lý ngân sách",
                                          staff_category="civil_servant"),
                        valid_from=date(2025, 7, 1))
    client = signed_in("quanly")
    body = text(client.get(reverse("web:org", args=["T01.STC"]), {"nam": "2026"}))
    assert "Biên chế năm 2026" in body
    assert "Vượt chỉ tiêu" in body and 'class="is-over"' in body
    assert "Phòng Ngân sách" in body  # sub-unit
    assert "Chuyên viên quản lý ngân sách" in body  # job position
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" in body  # breadcrumb


def test_a_bad_year_or_unknown_unit_gets_a_vietnamese_answer(signed_in, orgs):
    client = signed_in("quanly")
    response = client.get(reverse("web:org", args=["T01.STC"]), {"nam": "hai nghin"})
    assert response.status_code == 400
    assert "Năm phải là một số" in text(response)
    response = client.get(reverse("web:org", args=["KHONG-CO"]))
    assert response.status_code == 404
    assert "Không tìm thấy đơn vị" in text(response)


# --- completeness by unit --------------------------------------------------------------------


def test_completeness_by_unit_has_a_table_and_an_svg_chart(signed_in, make_dossier):
    make_dossier()
    make_dossier(full_name="Trần Văn Bình", health=[])
    body = text(signed_in("quanly").get(reverse("web:completeness")))
    assert "<svg" in body and "<rect" in body
    assert "Sở Tài chính" in body
    assert "Hồ sơ còn thiếu" in body
    assert "Tổng cộng" in body


# --- catalogs --------------------------------------------------------------------------------


def test_catalog_list_shows_titles_counts_and_legal_basis(signed_in):
    body = text(signed_in("quanly").get(reverse("web:catalogs")))
    assert "Dân tộc" in body
    assert "Căn cứ pháp lý" in body


def test_a_catalog_can_be_searched_without_diacritics(signed_in):
    client = signed_in("quanly")
    body = text(client.get(reverse("web:catalog", args=["ethnicity"]), {"q": "thai"}))
    assert "Thái" in body
    assert "Kinh" not in body
    response = client.get(reverse("web:catalog", args=["khong-co"]))
    assert response.status_code == 404
    assert "Không tìm thấy danh mục" in text(response)


# --- bounded query counts --------------------------------------------------------------------


def test_list_pages_run_a_bounded_number_of_queries(
    signed_in, make_dossier, orgs, django_assert_max_num_queries
):
    for i in range(25):
        make_dossier(full_name=f"Lê Văn {'ABCDEFGHIKLMNOPQRSTUVXYZW'[i]}ao",
                     unit=["T01.STC", "T01.STC.NS", "T01.XA"][i % 3])
    client = signed_in("quanly")
    client.get(reverse("web:search"))  # warm the per-process catalog caches
    # Session (read and touched), user, its verifying TOTP device, the access decision
    # (duties and grants, each read once per request: `policies.gate_for`), filter choices,
    # count, one page and the audit event of the listing, the nav's count of open alerts (a
    # records manager reviews them), the nav's count of the user's own work due, the units'
    # names told apart by their parents (one query): nothing per row.
    bounds = {
        reverse("web:search"): 22,  # PostgreSQL: + the audit chain's advisory lock
        reverse("web:search") + "?q=le+van&unit=T01.STC&sex=M&age_min=20&age_max=60": 22,
        reverse("web:completeness"): 14,  # + the required components: people, kinds on file
        reverse("web:orgs"): 12,
        reverse("web:org", args=["T01.STC"]): 16,
        reverse("web:catalogs"): 11,
        reverse("web:catalog", args=["ethnicity"]): 14,
    }
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def test_a_search_past_the_count_limit_says_about_on_postgresql(signed_in, make_dossier, settings):
    """Past HOSO_COUNT_LIMIT the page shows PostgreSQL's estimate as "khoảng …" and offers no
    jump to a last page it cannot know; SQLite still counts exactly (issue 13)."""
    from django.db import connection

    settings.HOSO_COUNT_LIMIT = 20  # the estimate is never below 21: two pages at least
    for i in range(21):
        make_dossier(full_name=f"Nguyễn Văn {'ABCDEFGHIKLMNOPQRSTUVXY'[i]}inh")
    body = text(signed_in("quanly").get(reverse("web:search")))
    assert body.count('class="person-link"') == 20
    if connection.vendor == "postgresql":
        assert "Tìm thấy <strong>khoảng " in body and " kết quả" in body
        assert re.search(r"Trang 1 / khoảng \d+", body)
        assert "Cuối »" not in body and "Sau ›" in body
    else:
        assert "Tìm thấy <strong>21</strong> hồ sơ" in body
        assert "Trang 1 / 2" in body and "Cuối »" in body
