"""The security pages: written approvals, consent and "who read my dossier", the audit trail
with its CSV export, and alerts — each for the personas allowed and refused."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from hoso.access.models import AccessGrant, Consent, Role
from hoso.audit.models import Alert, AuditAction, AuditEvent, AuditOutcome
from hoso.core.dates import today

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
FORMULA = "=cmd|' /C calc'!A0"


def sign_in(client, user):
    """The one place these tests log in (both steps: password, then one-time code)."""
    return login(client, user)


@pytest.fixture
def people(make_dossier) -> dict:
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
        "binh": make_dossier(full_name="Trần Văn Bình", unit="B01.VP"),
    }


@pytest.fixture
def ministry_auditor(personas, orgs):
    from hoso.access.services import role_assign, user_create

    user = user_create(
        acting_user=None,
        username="thanhtrabo",
        password="mat-khau-thu-nghiem-1",
        full_name="Thanh tra Bộ",
    )
    role_assign(
        acting_user=None,
        user=user,
        role=Role.AUDITOR,
        organization=orgs["ministry"],
        valid_from=date(2025, 7, 1),
    )
    return user


def text(response) -> str:
    return _CSRF.sub("", response.content.decode())


def table(response) -> str:
    """The page's results table only (the filter form lists every action's name too)."""
    body = text(response)
    found = re.search(r"<table.*?</table>", body, re.S)
    return found.group(0) if found else ""


def issue(personas, **kw) -> AccessGrant:
    from hoso.access.services import grant_issue

    values = {
        "acting_user": personas["quanly"],
        "grantee": personas["ngoai"],
        "purpose": "Thẩm định hồ sơ đề nghị điều động",
        "document_number": "123/QĐ-UBND",
        "document_date": date(2026, 11, 1),
        "signer": "Chủ tịch UBND tỉnh",
        "valid_from": today() - timedelta(days=1),
        "valid_to": today() + timedelta(days=30),
    }
    values.update(kw)
    return grant_issue(**values)


def grant_post(people, **overrides) -> dict:
    """A complete, valid grant form as a browser posts it."""
    data = {
        "grantee": "ngoai",
        "person_ids": f"{people['an'].personal_id}\n{people['hoa'].personal_id}",
        "organization": "",
        "sections": ["identity", "training"],
        "ceiling": "personal",
        "secret_ceiling": "",
        "approval_level": "",
        "purpose_kind": "cadre_work",
        "purpose": "Thẩm định hồ sơ đề nghị điều động",
        "document_number": "45/QĐ-UBND",
        "document_date": "03/11/2026",
        "signer": "Chủ tịch UBND tỉnh",
        "valid_from": (today() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "valid_to": (today() + timedelta(days=30)).strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def security_urls(people) -> list[str]:
    return [
        reverse("web:grants"),
        reverse("web:grant_new"),
        reverse("web:audit_events"),
        reverse("web:audit_person", args=[people["an"].personal_id]),
        reverse("web:audit_user", args=["quanly"]),
        reverse("web:alerts"),
    ]


# --- who may open which page -----------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, people):
    urls = [*security_urls(people), reverse("web:my_grants"), reverse("web:consent")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:login")), url


@pytest.mark.parametrize("persona", ["nhaplieu", "lanhdao", "quantri", "ngoai"])
def test_the_audit_and_grant_pages_are_404_for_other_duties(as_, people, persona):
    client = as_(persona)
    for url in security_urls(people):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in text(response)
    assert client.post(reverse("web:audit_export")).status_code == 404
    assert client.get(reverse("web:consent")).status_code == 404


def test_an_auditor_reads_the_trail_but_records_no_grant(as_, people):
    client = as_("thanhtra")
    for url in security_urls(people)[2:]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("web:grants")).status_code == 404
    assert client.get(reverse("web:grant_new")).status_code == 404


def test_a_records_manager_opens_every_security_page(as_, people):
    client = as_("quanly")
    for url in security_urls(people):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="vi"' in text(response)


def test_the_employee_page_is_theirs_alone(as_, people, employee):
    assert as_(employee).get(reverse("web:consent")).status_code == 200
    for url in security_urls(people):
        assert as_(employee).get(url).status_code == 404, url


def test_security_pages_have_no_inline_script_handler_or_style(as_, people, employee):
    pages = [as_("quanly").get(url) for url in security_urls(people)]
    pages.append(as_("ngoai").get(reverse("web:my_grants")))
    pages.append(as_(employee).get(reverse("web:consent")))
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert not _INLINE_SCRIPT.search(body), response.request["PATH_INFO"]
        assert not _EVENT_HANDLER.search(body), response.request["PATH_INFO"]
        assert not _STYLE_ATTRIBUTE.search(body), response.request["PATH_INFO"]
        assert "no-store" in response["Cache-Control"]


def test_the_nav_shows_each_link_only_to_the_duties_it_serves(as_, employee):
    def nav(who) -> str:
        body = text(as_(who).get(reverse("web:search")))
        return re.search(r'<nav class="main-nav".*?</nav>', body, re.S).group(0)

    links = (
        "Văn bản phê duyệt",
        "Quyền khai thác của tôi",
        "Đồng ý và lượt xem hồ sơ",
        "Nhật ký truy cập",
        "Cảnh báo",
    )
    expected = {
        "quanly": {"Văn bản phê duyệt", "Quyền khai thác của tôi", "Nhật ký truy cập", "Cảnh báo"},
        "thanhtra": {"Quyền khai thác của tôi", "Nhật ký truy cập", "Cảnh báo"},
        "nhaplieu": {"Quyền khai thác của tôi"},  # an officer who may be granted access
        "ngoai": {"Quyền khai thác của tôi"},
        "quantri": set(),
        employee: {"Đồng ý và lượt xem hồ sơ"},
    }
    for who, shown in expected.items():
        page = nav(who)
        assert {label for label in links if label in page} == shown, who


def test_the_dossier_links_to_who_saw_it_for_reviewers_only(as_, people):
    url = reverse("web:dossier", args=[people["an"].personal_id])
    link = reverse("web:audit_person", args=[people["an"].personal_id])
    assert link in text(as_("quanly").get(url))
    assert link not in text(as_("nhaplieu").get(url))


# --- written approvals -----------------------------------------------------------------------


def test_a_records_manager_records_a_grant_that_opens_the_dossier(as_, personas, people):
    client = as_("quanly")
    form = text(client.get(reverse("web:grant_new")))
    for label in (
        "Tên đăng nhập của người được cấp quyền",
        "Mức phân loại tối đa được xem",
        "Đào tạo, bồi dưỡng",
        "Độ mật tối đa",
        "Hiệu lực đến hết ngày",
        "Phòng Ngân sách",
    ):
        assert label in form, label
    assert "Bộ Thử Nghiệm" not in form  # only units of the manager's duty are offered
    response = client.post(reverse("web:grant_new"), grant_post(people))
    grant = AccessGrant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:grant", args=[grant.pk])
    assert (grant.grantee, grant.approved_by) == (personas["ngoai"], personas["quanly"])
    assert grant.person_ids == [people["an"].personal_id, people["hoa"].personal_id]
    assert grant.sections == ["identity", "training"]
    assert grant.document_date == date(2026, 11, 3)
    event = AuditEvent.objects.get(action=AuditAction.GRANT_ISSUE)
    assert (event.outcome, event.grant_id, event.actor_username) == (
        AuditOutcome.OK,
        str(grant.pk),
        "quanly",
    )
    assert event.detail["grantee"] == "ngoai"
    detail = text(client.get(response["Location"]))
    assert "Đã ghi nhận văn bản phê duyệt số 45/QĐ-UBND cho tài khoản ngoai." in detail
    assert "03/11/2026" in detail and "Đang hiệu lực" in detail
    listing = text(client.get(reverse("web:grants")))
    for expected in (
        "45/QĐ-UBND",
        "ngoai",
        "Thông tin chung, Đào tạo, bồi dưỡng",
        "Dữ liệu cá nhân cơ bản",
        "Chủ tịch UBND tỉnh",
        "Đang hiệu lực",
        (today() + timedelta(days=30)).strftime("%d/%m/%Y"),
    ):
        assert expected in listing, expected
    # The grantee now opens the covered dossier, and sees the grant as theirs.
    grantee = as_("ngoai")
    assert grantee.get(reverse("web:dossier", args=[people["an"].personal_id])).status_code == 200
    assert "45/QĐ-UBND" in text(grantee.get(reverse("web:my_grants")))


def test_a_unit_grant_records_the_unit(as_, people, orgs):
    response = as_("quanly").post(
        reverse("web:grant_new"), grant_post(people, person_ids="", organization="T01.STC")
    )
    assert response.status_code == 302
    assert AccessGrant.objects.get().organization == orgs["finance"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"grantee": "quanly"}, "grantee", "Không được tự cấp quyền cho chính mình."),
        (
            {"person_ids": "", "organization": "B01"},
            "organization",
            "Đơn vị này ngoài phạm vi quản lý hồ sơ của bạn.",
        ),
        (
            {"valid_from": "10/12/2026", "valid_to": "01/12/2026"},
            "valid_to",
            "Ngày hết hiệu lực trước ngày hiệu lực.",
        ),
        (
            {"document_number": "", "signer": ""},
            "document_number",
            "Cần số văn bản, người ký và mục đích khai thác.",
        ),
        (
            {"person_ids": "", "organization": ""},
            "person_ids",
            "Cần chọn người hoặc đơn vị được phép xem.",
        ),
        (
            {"secret_ceiling": "mat"},
            "approval_level",
            "Hồ sơ có độ mật hoặc thuộc diện Ban Thường vụ quản lý cần ghi cấp phê duyệt.",
        ),
    ],
    ids=[
        "self_grant",
        "outside_duty",
        "period_reversed",
        "missing_document",
        "no_coverage",
        "approval_level",
    ],
)
def test_a_refused_grant_says_why_next_to_the_field_and_saves_nothing(
    as_, people, overrides, field, message
):
    response = as_("quanly").post(reverse("web:grant_new"), grant_post(people, **overrides))
    assert response.status_code == 400
    body = text(response)
    assert "Chưa ghi nhận được văn bản phê duyệt." in body
    # The message sits in the field's own block, right after its input.
    block = re.search(
        rf'<div class="field field--error">\s*<label for="id_{field}">.*?</div>', body, re.S
    )
    assert block is not None and message in block.group(0), body
    assert not AccessGrant.objects.exists()
    refused = AuditEvent.objects.get(action=AuditAction.GRANT_ISSUE)
    assert refused.outcome == AuditOutcome.DENY and refused.actor_username == "quanly"


def test_a_person_outside_the_managers_duty_is_refused(as_, people):
    response = as_("quanly").post(
        reverse("web:grant_new"), grant_post(people, person_ids=people["binh"].personal_id)
    )
    assert response.status_code == 400
    assert f"Hồ sơ {people['binh'].personal_id} không có hoặc ngoài phạm vi quản lý." in text(
        response
    )
    assert not AccessGrant.objects.exists()


def test_a_clerk_cannot_reach_the_grant_form_and_saves_nothing(as_, people):
    client = as_("nhaplieu")
    assert client.post(reverse("web:grant_new"), grant_post(people)).status_code == 404
    assert not AccessGrant.objects.exists()


def test_the_service_refusal_for_a_non_manager_is_shown_above_the_form(as_, people, monkeypatch):
    # Were the page's own check ever to let a clerk through, the service still refuses.
    monkeypatch.setattr("hoso.web.views.grants.policies.is_records_manager", lambda user: True)
    response = as_("nhaplieu").post(reverse("web:grant_new"), grant_post(people))
    assert response.status_code == 400
    body = text(response)
    assert "Chỉ cán bộ quản lý hồ sơ được ghi nhận văn bản phê duyệt." in body
    assert not AccessGrant.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"grantee": "khong-co-ai"}, "Không có tài khoản đang hoạt động tên «khong-co-ai»."),
        (
            {"person_ids": "12345, 0010850000X1"},
            "Không phải số định danh cá nhân (12 chữ số): «12345», «0010850000X1»",
        ),
        ({"document_date": "31/02/2026"}, "Ngày văn bản: hãy nhập ngày theo dạng dd/mm/yyyy"),
        ({"valid_to": ""}, "Hãy nhập hiệu lực đến hết ngày (dd/mm/yyyy)."),
        ({"ceiling": "top"}, "Mức phân loại «top» không có."),
    ],
)
def test_malformed_grant_input_gets_a_vietnamese_message(as_, people, overrides, message):
    response = as_("quanly").post(reverse("web:grant_new"), grant_post(people, **overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert not AccessGrant.objects.exists()


def test_revoking_takes_effect_on_the_grantees_next_request(as_, personas, people, client):
    from django.test import Client

    grant = issue(personas, person_ids=[people["an"].personal_id])
    dossier = reverse("web:dossier", args=[people["an"].personal_id])
    grantee = sign_in(Client(), personas["ngoai"])
    assert grantee.get(dossier).status_code == 200
    manager = as_("quanly")
    refused = manager.post(reverse("web:grant_revoke", args=[grant.pk]), {"reason": " "})
    assert refused.status_code == 400 and "Cần ghi lý do thu hồi." in text(refused)
    assert grantee.get(dossier).status_code == 200
    response = manager.post(
        reverse("web:grant_revoke", args=[grant.pk]), {"reason": "Đã xong việc thẩm định"}
    )
    assert response.status_code == 302
    assert grantee.get(dossier).status_code == 404  # the same session, the very next request
    grant.refresh_from_db()
    assert grant.revoked_by == personas["quanly"] and grant.revoke_reason
    event = AuditEvent.objects.filter(action=AuditAction.GRANT_REVOKE).latest("seq")
    assert (event.outcome, event.grant_id) == (AuditOutcome.OK, str(grant.pk))
    page = text(manager.get(reverse("web:grant", args=[grant.pk])))
    assert "Đã thu hồi" in page and "Đã xong việc thẩm định" in page
    assert "Từ lần truy cập tiếp theo" in page
    again = manager.post(
        reverse("web:grant_revoke", args=[grant.pk]), {"reason": "Lần nữa"}, follow=True
    )
    assert "Văn bản phê duyệt này đã bị thu hồi." in text(again)
    grant.refresh_from_db()
    assert grant.revoke_reason == "Đã xong việc thẩm định"
    assert "Đã thu hồi" in text(manager.get(reverse("web:grants"), {"trang_thai": "thu-hoi"}))
    assert "123/QĐ-UBND" not in text(manager.get(reverse("web:grants"), {"trang_thai": "hieu-luc"}))


def test_a_manager_sees_and_revokes_only_the_grants_they_recorded(as_, personas, people, orgs):
    from hoso.access.services import role_assign, user_create

    other = user_create(
        acting_user=None, username="quanly2", password="x" * 12, full_name="Quản lý khác"
    )
    role_assign(
        acting_user=None,
        user=other,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    theirs = issue(
        personas,
        acting_user=other,
        person_ids=[people["an"].personal_id],
        document_number="99/QĐ-KHAC",
    )
    client = as_("quanly")
    assert "99/QĐ-KHAC" not in text(client.get(reverse("web:grants")))
    assert client.get(reverse("web:grant", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("web:grant_revoke", args=[theirs.pk]), {"reason": "Thử"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_grant_list_shows_expired_and_pending_grants(as_, personas, people):
    issue(
        personas,
        person_ids=[people["an"].personal_id],
        document_number="1/CU",
        valid_from=today() - timedelta(days=60),
        valid_to=today() - timedelta(days=1),
    )
    issue(
        personas,
        person_ids=[people["an"].personal_id],
        document_number="2/MOI",
        valid_from=today() + timedelta(days=5),
        valid_to=today() + timedelta(days=9),
    )
    client = as_("quanly")
    body = text(client.get(reverse("web:grants")))
    assert "Hết hiệu lực" in body and "Chưa đến ngày hiệu lực" in body
    expired = text(client.get(reverse("web:grants"), {"trang_thai": "het-han"}))
    assert "1/CU" in expired and "2/MOI" not in expired


def test_a_grantee_sees_their_own_active_grants_and_no_one_elses(as_, personas, people):
    issue(personas, person_ids=[people["an"].personal_id], document_number="7/CUA-NGOAI")
    issue(
        personas,
        grantee=personas["lanhdao"],
        person_ids=[people["an"].personal_id],
        document_number="8/CUA-LANHDAO",
    )
    issue(
        personas,
        person_ids=[people["an"].personal_id],
        document_number="9/HET-HAN",
        valid_from=today() - timedelta(days=9),
        valid_to=today() - timedelta(days=1),
    )
    body = text(as_("ngoai").get(reverse("web:my_grants")))
    assert "7/CUA-NGOAI" in body
    assert "8/CUA-LANHDAO" not in body and "9/HET-HAN" not in body
    assert "Bạn không có văn bản phê duyệt nào đang có hiệu lực." in text(
        as_("nhaplieu").get(reverse("web:my_grants"))
    )


# --- consent and "who read my dossier" -------------------------------------------------------


def test_the_employee_gives_and_withdraws_consent(as_, personas, people, employee):
    from django.test import Client

    grant = issue(
        personas,
        person_ids=[people["an"].personal_id],
        purpose_kind="other",
        purpose="Xác minh thu nhập cho ngân hàng",
        document_number="5/XM",
    )
    issue(
        personas,
        person_ids=[people["hoa"].personal_id],
        purpose_kind="other",
        purpose="Hồ sơ của người khác",
        document_number="6/KHAC",
    )
    dossier = reverse("web:dossier", args=[people["an"].personal_id])
    grantee = sign_in(Client(), personas["ngoai"])
    assert grantee.get(dossier).status_code == 404  # no consent yet

    client = as_(employee)
    page = text(client.get(reverse("web:consent")))
    assert "Xác minh thu nhập cho ngân hàng" in page and "5/XM" in page
    assert "Hồ sơ của người khác" not in page  # a grant that does not cover him
    assert "Bạn chưa đồng ý" in page

    response = client.post(reverse("web:consent_give", args=[grant.pk]))
    assert response.status_code == 302
    consent = Consent.objects.get(personal_id=people["an"].personal_id)
    assert consent.grantee == personas["ngoai"] and consent.withdrawn_at is None
    given = AuditEvent.objects.get(action=AuditAction.CONSENT_GIVE)
    assert (given.outcome, given.personal_id, given.grant_id) == (
        AuditOutcome.OK,
        people["an"].personal_id,
        str(grant.pk),
    )
    assert grantee.get(dossier).status_code == 200
    page = text(client.get(reverse("web:consent")))
    assert "Bạn đã đồng ý ngày" in page and "Rút lại sự đồng ý" in page
    client.post(reverse("web:consent_give", args=[grant.pk]))  # twice: still one consent
    assert Consent.objects.count() == 1

    response = client.post(reverse("web:consent_withdraw", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert AuditEvent.objects.get(action=AuditAction.CONSENT_WITHDRAW).outcome == AuditOutcome.OK
    assert grantee.get(dossier).status_code == 404
    assert "Đã rút lại ngày" in text(client.get(reverse("web:consent")))


def test_the_employee_cannot_consent_for_others_or_withdraw_theirs(as_, personas, people, employee):
    from hoso.access.services import consent_give, role_assign, user_create

    other_grant = issue(personas, person_ids=[people["hoa"].personal_id], purpose_kind="other")
    hoa = user_create(
        acting_user=None,
        username="dangthihoa",
        password="x" * 12,
        full_name="Đặng Thị Hoa",
        personal_id=people["hoa"].personal_id,
    )
    role_assign(
        acting_user=None,
        user=hoa,
        role=Role.EMPLOYEE,
        organization=None,
        valid_from=date(2020, 1, 1),
    )
    hers = consent_give(acting_user=hoa, grantee=personas["ngoai"], purpose="x")
    client = as_(employee)
    assert client.post(reverse("web:consent_give", args=[other_grant.pk])).status_code == 404
    assert client.post(reverse("web:consent_withdraw", args=[hers.pk])).status_code == 404
    hers.refresh_from_db()
    assert hers.withdrawn_at is None
    assert Consent.objects.count() == 1


def test_a_cadre_work_grant_needs_no_consent_and_is_not_listed(as_, personas, people, employee):
    issue(personas, person_ids=[people["an"].personal_id], document_number="3/CTCB")
    page = text(as_(employee).get(reverse("web:consent")))
    assert "3/CTCB" not in page
    assert "Hiện không có đề nghị khai thác nào cần sự đồng ý của bạn." in page


def test_the_employee_sees_who_read_their_dossier_by_name_not_username(
    as_, personas, people, employee
):
    manager = personas["quanly"]
    manager.full_name = "Trần Thị Quản Lý"
    manager.save()
    as_("quanly").get(reverse("web:dossier", args=[people["an"].personal_id]))
    as_("ngoai").get(reverse("web:dossier", args=[people["an"].personal_id]))  # refused
    as_("quanly").get(reverse("web:dossier", args=[people["hoa"].personal_id]))
    read = AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_ALLOWED, personal_id=people["an"].personal_id
    ).latest("seq")
    body = text(as_(employee).get(reverse("web:consent")))
    section = body[body.index("Ai đã xem hồ sơ của bạn") :]
    assert "Trần Thị Quản Lý" in section
    assert "Cán bộ quản lý hồ sơ" in section and "Ủy ban nhân dân tỉnh Thử Nghiệm" in section
    assert timezone.localtime(read.occurred_at).strftime("%d/%m/%Y %H:%M") in section
    assert "quanly" not in section and "ngoai" not in section  # no usernames; no refusal
    assert section.count("<tr>") == 2  # header + one read: Hoa's dossier is not his


# --- the audit trail -------------------------------------------------------------------------


def test_who_saw_this_dossier_lists_each_event_in_full(as_, people):
    pid = people["an"].personal_id
    as_("quanly").get(reverse("web:dossier", args=[pid]))
    as_("ngoai").get(reverse("web:dossier", args=[pid]))
    read = AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_ALLOWED, personal_id=pid
    ).latest("seq")
    body = text(as_("thanhtra").get(reverse("web:audit_person", args=[pid])))
    assert "Ai đã xem hồ sơ này" in body
    for expected in (
        timezone.localtime(read.occurred_at).strftime("%d/%m/%Y %H:%M"),
        "quanly",
        "ngoai",
        "Cán bộ quản lý hồ sơ",
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "Văn phòng Bộ",
        "Xem hồ sơ (được phép)",
        "Xem hồ sơ (bị từ chối)",
        "Cho phép",
        "Từ chối",
        f'<td class="num">{len(read.sections)}</td>',
        "Xem hồ sơ trên trang",
        "127.0.0.1",
        read.correlation_id[:12],
    ):
        assert expected in body, expected
    assert f"{AuditEvent.objects.filter(personal_id=pid).count()} sự kiện" in body


def test_what_this_user_saw_lists_their_events(as_, people):
    as_("nhaplieu").get(reverse("web:dossier", args=[people["an"].personal_id]))
    as_("nhaplieu").get(reverse("web:dossier", args=[people["hoa"].personal_id]))  # refused
    body = text(as_("thanhtra").get(reverse("web:audit_user", args=["nhaplieu"])))
    assert "Người dùng này đã xem gì" in body
    assert people["an"].personal_id in body and people["hoa"].personal_id in body
    assert "Cán bộ nhập liệu" in body and "Sở Tài chính" in body


def test_reviewers_see_only_events_of_their_scope(as_, people, ministry_auditor):
    as_("quanly").get(reverse("web:dossier", args=[people["an"].personal_id]))
    as_("ngoai").get(reverse("web:dossier", args=[people["an"].personal_id]))  # refused
    province = table(as_("thanhtra").get(reverse("web:audit_events")))
    ministry = table(as_(ministry_auditor).get(reverse("web:audit_events")))
    # The province sees reads of its dossiers, by its staff and by outsiders.
    assert "Xem hồ sơ (được phép)" in province and "Xem hồ sơ (bị từ chối)" in province
    # The ministry sees what its own officer tried, not the province's reading.
    assert "Xem hồ sơ (bị từ chối)" in ministry and "Xem hồ sơ (được phép)" not in ministry
    person = table(
        as_(ministry_auditor).get(reverse("web:audit_person", args=[people["an"].personal_id]))
    )
    assert "quanly" not in person and "ngoai" in person


def test_the_event_list_filters_by_action_outcome_user_person_and_dates(as_, people):
    an, hoa = people["an"].personal_id, people["hoa"].personal_id
    as_("nhaplieu").get(reverse("web:dossier", args=[an]))
    as_("nhaplieu").get(reverse("web:dossier", args=[hoa]))  # outside the department: refused
    as_("lanhdao").get(reverse("web:dossier", args=[hoa]))
    client = as_("thanhtra")
    url = reverse("web:audit_events")

    def rows(**query):
        response = client.get(url, query)
        assert response.status_code == 200, text(response)
        body = text(response)
        return body, len(re.findall(r'<tr class="event--', body))

    body, n = rows(hanh_dong="dossier_read_denied")
    assert n == 1 and hoa in body and "nhaplieu" in body
    body, n = rows(ket_qua="allow", tai_khoan="nhaplieu")
    assert n == 1 and an in body
    body, n = rows(so_dinh_danh=hoa, hanh_dong="dossier_read_allowed")
    assert n == 1 and "lanhdao" in body
    today_vn = today().strftime("%d/%m/%Y")
    _, n_today = rows(tu_ngay=today_vn, den_ngay=today_vn, so_dinh_danh=hoa)
    assert n_today == AuditEvent.objects.filter(personal_id=hoa).count() >= 3  # with its writing
    tomorrow = (today() + timedelta(days=1)).strftime("%d/%m/%Y")
    body, n = rows(tu_ngay=tomorrow)
    assert n == 0 and "Không có sự kiện nào khớp với bộ lọc." in body
    refused = client.get(url, {"tu_ngay": tomorrow, "den_ngay": today_vn})
    assert refused.status_code == 400
    assert f"Từ ngày ({tomorrow}) sau đến ngày ({today_vn})" in text(refused)
    refused = client.get(url, {"hanh_dong": "xoa_het"})
    assert refused.status_code == 400 and "Hành động «xoa_het» không có." in text(refused)


def test_the_event_list_pages_with_a_bounded_number_of_queries(
    as_, personas, people, django_assert_max_num_queries
):
    from hoso.access import policies, recorder

    client = as_("thanhtra")
    for _ in range(45):
        recorder.record(
            user=None, action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.DENY, username="ai-do"
        )
    client.get(reverse("web:audit_events"))  # warm the per-process caches
    # Session (read, saved), user, OTP device, the access decision (duties, grants: read once
    # per request), the nav's open-alert count, the page's count and rows, the units' names:
    # nothing per row.
    with django_assert_max_num_queries(12):
        first = client.get(reverse("web:audit_events"))
    pages = -(-AuditEvent.objects.filter(policies.audit_scope(personas["thanhtra"])).count() // 20)
    assert pages >= 3 and f"Trang 1 / {pages}" in text(first)
    last = text(client.get(reverse("web:audit_events"), {"page": str(pages)}))
    assert f"Trang {pages} / {pages}" in last


# --- the CSV export --------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_neutralizes_formulas_and_is_audited_with_its_hash(as_, people):
    from django.contrib.auth.models import AnonymousUser

    from hoso.access import recorder

    # Text an outsider controls ends up in the trail: a purpose, a username typed at login.
    recorder.record(
        user=AnonymousUser(),
        action=AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.DENY,
        username=FORMULA,
    )
    for prefix in ("+", "-", "@"):
        recorder.record(
            user=None,
            action=AuditAction.SEARCH,
            outcome=AuditOutcome.ALLOW,
            personal_id=people["an"].personal_id,
            purpose=f"{prefix}SUM(1+1)",
        )
    client = as_("thanhtra")
    assert client.get(reverse("web:audit_export")).status_code == 405  # a POST only
    response = client.post(reverse("web:audit_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-')
    rows = _csv_rows(response)
    export_id = response["X-Export-Id"]
    head = " ".join(" ".join(r) for r in rows[:3])
    assert "Người xuất: thanhtra" in head and f"Mã xuất: {export_id}" in head
    assert re.search(r"Thời điểm \(giờ Việt Nam\): \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", head)
    cells = [c for r in rows for c in r]
    assert "'" + FORMULA in cells
    assert {"'+SUM(1+1)", "'-SUM(1+1)", "'@SUM(1+1)"} <= set(cells)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "Số thứ tự" in cells and "Mã tương quan" in cells
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert (event.outcome, event.actor_username) == (AuditOutcome.OK, "thanhtra")
    assert event.detail["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert event.detail["export_id"] == export_id


def test_the_csv_export_carries_the_lists_filters(as_, people):
    as_("quanly").get(reverse("web:dossier", args=[people["an"].personal_id]))
    as_("ngoai").get(reverse("web:dossier", args=[people["an"].personal_id]))
    response = as_("thanhtra").post(reverse("web:audit_export") + "?hanh_dong=dossier_read_denied")
    rows = _csv_rows(response)
    header = rows.index(next(r for r in rows if r and r[0] == "Số thứ tự"))
    data = rows[header + 1 :]
    assert [r[6] for r in data] == ["Xem hồ sơ (bị từ chối)"]
    assert data[0][3] == "ngoai" and data[0][8] == people["an"].personal_id
    assert "Hành động: dossier_read_denied" in " ".join(rows[2])
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert event.detail["count"] == 1 and event.detail["query"] == {
        "Hành động": "dossier_read_denied"
    }


def test_an_export_too_large_is_refused_with_a_message(as_, people, settings):
    settings.HOSO_AUDIT_EXPORT_MAX = 1
    as_("quanly").get(reverse("web:dossier", args=[people["an"].personal_id]))
    client = as_("thanhtra")
    response = client.post(reverse("web:audit_export"), follow=True)
    assert "nhiều hơn 1 sự kiện một lần xuất; hãy thu hẹp bộ lọc" in text(response)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, outcome="ok").exists()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, outcome="deny").exists()


# --- alerts ----------------------------------------------------------------------------------


@pytest.fixture
def alert(people, settings, personas):
    """Repeated refusals of the ministry officer on a dossier of the province."""
    from hoso.access import policies
    from hoso.core.errors import NotFound

    settings.HOSO_ALERT_DENIALS = 2
    for _ in range(2):
        with pytest.raises(NotFound):
            policies.dossier_access(personas["ngoai"], people["an"].personal_id)
    return Alert.objects.get()


def test_open_alerts_are_counted_in_the_nav_and_acknowledged_with_a_note(as_, alert):
    client = as_("thanhtra")
    nav = text(client.get(reverse("web:search")))
    assert re.search(r'Cảnh báo <span class="nav-count">1<', nav)
    page = text(client.get(reverse("web:alerts")))
    assert "Chưa xử lý (1)" in page
    for expected in ("Bị từ chối nhiều lần", "ngoai", alert.message, "Xác nhận"):
        assert expected in page, expected
    assert timezone.localtime(alert.raised_at).strftime("%d/%m/%Y %H:%M") in page

    url = reverse("web:alert_acknowledge", args=[alert.pk])
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert "Cần ghi đã kiểm tra, xử lý cảnh báo thế nào." in text(refused)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None

    response = client.post(url, {"note": "Đã hỏi, nhập nhầm số định danh"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == "thanhtra" and alert.note.startswith("Đã hỏi")
    event = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGE)
    assert event.detail["alert_id"] == alert.pk
    page = text(client.get(reverse("web:alerts")))
    assert "Chưa xử lý (0)" in page and "Đã hỏi, nhập nhầm số định danh" in page
    assert 'class="nav-count"' not in page
    again = client.post(url, {"note": "Lần nữa"}, follow=True)
    assert "Cảnh báo này đã được xác nhận xử lý." in text(again)
    alert.refresh_from_db()
    assert alert.note.startswith("Đã hỏi")


def test_alerts_are_for_reviewers_of_the_scope(as_, alert, ministry_auditor):
    # The ministry audits its officer; the province audits reads of its dossiers.
    assert "ngoai" in text(as_(ministry_auditor).get(reverse("web:alerts")))
    assert "ngoai" in text(as_("quanly").get(reverse("web:alerts")))
    clerk = as_("nhaplieu")
    assert clerk.get(reverse("web:alerts")).status_code == 404
    url = reverse("web:alert_acknowledge", args=[alert.pk])
    assert clerk.post(url, {"note": "Không phải việc của tôi"}).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_grant_and_consent_lists_run_a_bounded_number_of_queries(
    as_, personas, people, employee, django_assert_max_num_queries
):
    for n in range(25):
        issue(
            personas,
            person_ids=[people["an"].personal_id],
            document_number=f"{n}/QĐ",
            purpose_kind="other" if n % 2 else "cadre_work",
        )
    for _ in range(3):
        as_("quanly").get(reverse("web:dossier", args=[people["an"].personal_id]))
    # Session (read, saved), user, OTP device, duties, the nav's open-alert count (with a
    # reviewer's grants) and count of the user's own work due, then per page: grants (count,
    # page); grants and consent counts; the person, grants awaiting consent, consents, reads
    # (count, page) with their readers' names and units. The duties and the user's own grants
    # are read once per request (`policies.gate_for`): one query each, not per row.
    bounds = {
        ("quanly", reverse("web:grants")): 12,
        ("ngoai", reverse("web:my_grants")): 10,
        (employee, reverse("web:consent")): 16,
        ("thanhtra", reverse("web:alerts")): 12,  # the scope twice: the nav and the page
    }
    for (who, url), bound in bounds.items():
        client = as_(who)
        client.get(url)
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url
