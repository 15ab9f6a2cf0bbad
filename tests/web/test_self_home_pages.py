"""The employee's home `/ho-so-cua-toi/` (R-CLEAN; NĐ 27/2026 Art. 20): their own dossier
through the one gate (audited as a self read, masked as the gate says), who read it, their
correction requests, consents with withdraw, open discrepancies and what is expected of them;
for everyone else a plain notice and nobody's data."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, employee_account, login
from hoso.access.models import Consent, Role
from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.dates import today

pytestmark = pytest.mark.django_db

HOME = "/ho-so-cua-toi/"
NO_DOSSIER = "Chưa có hồ sơ nào gắn với tài khoản của bạn"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def text(response) -> str:
    return _CSRF.sub("", response.content.decode())


def section(body: str, heading_id: str) -> str:
    """The <section> of the home whose heading has this id."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', body, re.S)
    assert found, heading_id
    return found.group(0)


def paper(body: str) -> str:
    """The dossier itself, whitespace collapsed (the two pages indent it differently)."""
    found = re.search(r'<article class="paper".*?</article>', body, re.S).group(0)
    return re.sub(r"\s+", " ", found)


@pytest.fixture
def people(make_dossier) -> dict:
    return {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1985, 3, 14)),
        "hoa": make_dossier(full_name="Đặng Thị Hoa", sex="F", unit="T01.XA"),
    }


@pytest.fixture
def hoa_account(people):
    return employee_account(people["hoa"], "dangthihoa")


@pytest.fixture
def as_(personas):
    """`as_("quanly")`: a fresh client signed in as that persona (or as a given user)."""

    def signed(who):
        return login(Client(), personas[who] if isinstance(who, str) else who)

    return signed


def grant(personas, person, **kw):
    from hoso.access.services import grant_issue

    values = {
        "acting_user": personas["quanly"],
        "grantee": personas["ngoai"],
        "purpose": "Xác minh thu nhập cho ngân hàng",
        "purpose_kind": "other",
        "document_number": "5/XM",
        "document_date": date(2026, 11, 1),
        "signer": "Chủ tịch UBND tỉnh",
        "valid_from": today() - timedelta(days=1),
        "valid_to": today() + timedelta(days=30),
        "person_ids": [person.personal_id],
    }
    values.update(kw)
    return grant_issue(**values)


def landing(user) -> str:
    """Where both login steps send `user` when they asked for nothing in particular."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hoso.access.mfa import acceptable_code
    from hoso.access.services import totp_enrol

    device = totp_enrol(acting_user=None, user=user)[0]
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    client = Client()
    client.post(reverse("web:login"), {"username": user.get_username(), "password": PASSWORD})
    response = client.post(reverse("web:otp"), {"code": acceptable_code(device)[0]})
    assert response.status_code == 302
    return response["Location"]


# --- Landing and menu ---------------------------------------------------------------------


def test_after_login_the_employee_lands_on_their_home(employee):
    assert landing(employee) == HOME


def test_after_login_an_officer_still_lands_on_search(personas):
    assert landing(personas["quanly"]) == reverse("web:search")
    assert landing(personas["quantri"]) == reverse("web:search")


def test_a_bare_visit_of_the_root_sends_the_employee_home_after_login(employee):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hoso.access.mfa import acceptable_code
    from hoso.access.services import totp_enrol

    device = totp_enrol(acting_user=None, user=employee)[0]
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    client = Client()
    assert client.get("/")["Location"] == reverse("web:login") + "?next=/"
    client.post(
        reverse("web:login") + "?next=/",
        {"username": "nguyenvanan", "password": PASSWORD, "next": "/"},
    )
    response = client.post(reverse("web:otp"), {"code": acceptable_code(device)[0], "next": "/"})
    assert response["Location"] == HOME


def test_an_employee_who_is_also_an_officer_lands_on_search(people, orgs, personas):
    from hoso.access.services import role_assign

    officer = employee_account(people["an"], "annhaplieu")
    role_assign(
        acting_user=None,
        user=officer,
        role=Role.CLERK,
        organization=orgs["finance"],
        valid_from=date(2025, 7, 1),
    )
    assert landing(officer) == reverse("web:search")


def test_the_menu_offers_my_dossier_to_everyone_with_an_own_dossier_only(as_, employee):
    def nav(who) -> str:
        body = text(as_(who).get(reverse("web:search")))
        return re.search(r'<nav class="main-nav".*?</nav>', body, re.S).group(0)

    assert f'href="{HOME}"' in nav(employee) and "Hồ sơ của tôi" in nav(employee)
    for who in ("quanly", "nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai"):
        assert "Hồ sơ của tôi" not in nav(who), who


def test_the_menu_offers_no_tool_over_other_peoples_dossiers_to_an_employee(as_, employee):
    """An employee reads only their own dossier: no search, completeness or document search
    in their menu (the pages would scope them to one dossier anyway); officers keep them."""

    def nav(who) -> str:
        body = text(as_(who).get(HOME))
        return re.search(r'<nav class="main-nav".*?</nav>', body, re.S).group(0)

    tools = (reverse("web:search"), reverse("web:completeness"), reverse("web:document_search"))
    mine = nav(employee)
    for href in tools:
        assert f'href="{href}"' not in mine, href
    for href in (HOME, reverse("web:procedures"), reverse("web:self_correction")):
        assert f'href="{href}"' in mine, href
    for href in tools:
        assert f'href="{href}"' in nav("nhaplieu"), href


# --- The dossier, through the gate ----------------------------------------------------------


def test_the_home_shows_the_own_dossier_audited_as_a_self_read(as_, people, employee):
    client = as_(employee)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = text(response)
    assert "NGUYỄN VĂN AN" in paper(body) and people["an"].personal_id in paper(body)
    assert "Học viện Tài chính" in paper(body)  # a history section, in full
    read = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_ALLOWED).latest("seq")
    assert (read.actor_user_id, read.personal_id, read.purpose) == (
        employee.pk,
        people["an"].personal_id,
        "self",
    )
    assert read.detail["basis"] == ["self"]


def test_the_home_masks_exactly_what_the_gate_does_not_open(as_, people, employee):
    """Lower the employee's ceiling (catalog `role_access`): the phone and social-insurance
    number (class «sensitive») are then masked on the home as on the dossier page (R-CLEAN)."""
    from hoso.catalog.models import CatalogEntry
    from hoso.catalog.selectors import clear_cache

    entry = CatalogEntry.objects.get(catalog__name="role_access", code=Role.EMPLOYEE)
    entry.attrs = {**entry.attrs, "ceiling": "personal"}
    entry.save()
    clear_cache()
    client = as_(employee)
    home = paper(text(client.get(HOME)))
    assert "0912345678" not in home and "0112345678" not in home
    assert 'class="masked"' in home and "Đã che: cần văn bản phê duyệt" in home
    assert "NGUYỄN VĂN AN" in home  # a personal field still shows
    same = paper(text(client.get(reverse("web:dossier", args=[people["an"].personal_id]))))
    assert home == same


def test_the_employee_without_a_dossier_on_the_node_gets_the_notice(personas, orgs):
    from hoso import identity

    stray = identity.generate(province_code="001", birth_year=1990, sex="M", serial=999_001)

    class Nobody:
        full_name = "Người chưa có hồ sơ"
        personal_id = stray

    account = employee_account(Nobody, "chuacohoso")
    body = text(login(Client(), account).get(HOME))
    assert NO_DOSSIER in body
    denied = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_DENIED).latest("seq")
    assert (denied.actor_user_id, denied.personal_id) == (account.pk, stray)


@pytest.mark.parametrize("who", ["quantri", "ngoai", "quanly", "thanhtra"])
def test_an_account_with_no_own_dossier_gets_a_plain_notice_and_nobodys_data(
    as_, people, employee, who
):
    before = AuditEvent.objects.filter(action__startswith="dossier_read").count()
    response = as_(who).get(HOME)
    assert response.status_code == 200
    body = text(response)
    assert NO_DOSSIER in body
    for value in ("Nguyễn Văn An", "NGUYỄN VĂN AN", "Đặng Thị Hoa", people["an"].personal_id):
        assert value not in body
    # Nothing was read, so nothing was asked of the gate.
    assert AuditEvent.objects.filter(action__startswith="dossier_read").count() == before


# --- Who read it ----------------------------------------------------------------------------


def test_the_home_lists_who_read_the_dossier_by_name_in_vietnam_time(
    as_, personas, people, employee
):
    manager = personas["quanly"]
    manager.full_name = "Trần Thị Quản Lý"
    manager.save()
    as_("quanly").get(reverse("web:dossier", args=[people["an"].personal_id]))
    as_("ngoai").get(reverse("web:dossier", args=[people["an"].personal_id]))  # refused
    as_("lanhdao").get(reverse("web:dossier", args=[people["hoa"].personal_id]))  # not his
    read = AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_ALLOWED, personal_id=people["an"].personal_id
    ).latest("seq")
    client = as_(employee)
    client.get(HOME)  # his own visit is not listed among the others'
    readers = section(text(client.get(HOME)), "luot-xem")
    assert "Trần Thị Quản Lý" in readers
    assert "Cán bộ quản lý hồ sơ" in readers and "Ủy ban nhân dân tỉnh Thử Nghiệm" in readers
    assert timezone.localtime(read.occurred_at).strftime("%d/%m/%Y %H:%M") in readers
    assert "quanly" not in readers and "ngoai" not in readers and "lanhdao" not in readers
    assert readers.count("<tr>") == 2  # the header and the one read by someone else
    assert "Chính bạn" not in readers


def test_nobody_else_has_read_the_dossier_yet_says_so(as_, employee):
    readers = section(text(as_(employee).get(HOME)), "luot-xem")
    assert "Chưa có ai khác xem hồ sơ của bạn." in readers


# --- Requests, consents, discrepancies ------------------------------------------------------


def test_the_home_lists_the_own_correction_requests_with_their_status(
    as_, personas, people, employee, hoa_account
):
    from hoso.changes.models import SourceKind
    from hoso.changes.services import changesets

    def propose(user, person, value):
        return changesets.changeset_propose(
            acting_user=user,
            personal_id=person.personal_id,
            operations=[{"op": "set", "section": "identity", "values": {"phone": value}}],
            source_kind=SourceKind.SELF,
        )

    waiting = propose(employee, people["an"], "0912000111")
    refused = propose(employee, people["an"], "0912000222")
    changesets.changeset_reject(
        acting_user=personas["quanly"], changeset_id=refused.pk, reason="Thiếu giấy tờ kèm theo"
    )
    hers = propose(hoa_account, people["hoa"], "0912000333")
    body = text(as_(employee).get(HOME))
    requests = section(body, "de-nghi")
    assert f"Số {waiting.pk}" in requests and "Chờ phê duyệt" in requests
    assert f"Số {refused.pk}" in requests and "Bị từ chối" in requests
    assert "Thiếu giấy tờ kèm theo" in requests and "Thông tin chung" in requests
    assert f"Số {hers.pk}<" not in requests
    todo = section(body, "viec-cua-ban")
    assert f"Đề nghị số {refused.pk} bị từ chối" in todo and "gửi lại đề nghị đã sửa" in todo


def test_the_employee_withdraws_a_consent_from_the_home(as_, personas, people, employee):
    from hoso.access.services import consent_give

    issued = grant(personas, people["an"])
    given = consent_give(
        acting_user=employee, grantee=personas["ngoai"], purpose=issued.purpose, grant=issued
    )
    grantee = as_("ngoai")
    dossier = reverse("web:dossier", args=[people["an"].personal_id])
    assert grantee.get(dossier).status_code == 200
    client = as_(employee)
    consents = section(text(client.get(HOME)), "dong-y")
    assert "Xác minh thu nhập cho ngân hàng" in consents and "Đang có hiệu lực" in consents
    response = client.post(reverse("web:self_consent_withdraw", args=[given.pk]))
    assert response.status_code == 302 and response["Location"] == HOME
    given.refresh_from_db()
    assert given.withdrawn_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT_WITHDRAW).count() == 1
    body = text(client.get(HOME))
    assert "Bạn đã rút lại sự đồng ý cho" in body
    assert "Đã rút lại" in section(body, "dong-y")
    assert grantee.get(dossier).status_code == 404


def test_the_employee_cannot_withdraw_someone_elses_consent_from_the_home(
    as_, personas, people, employee, hoa_account
):
    from hoso.access.services import consent_give

    hers = consent_give(acting_user=hoa_account, grantee=personas["ngoai"], purpose="Vay vốn")
    client = as_(employee)
    assert client.post(reverse("web:self_consent_withdraw", args=[hers.pk])).status_code == 404
    assert client.get(reverse("web:self_consent_withdraw", args=[hers.pk])).status_code == 405
    hers.refresh_from_db()
    assert hers.withdrawn_at is None
    assert "Vay vốn" not in text(client.get(HOME))
    admin = as_("quantri")
    assert admin.post(reverse("web:self_consent_withdraw", args=[hers.pk])).status_code == 404


def test_approvals_awaiting_consent_are_what_is_expected_of_the_employee(
    as_, personas, people, employee
):
    grant(personas, people["an"])
    grant(personas, people["hoa"], purpose="Hồ sơ của người khác", document_number="6/KHAC")
    body = text(as_(employee).get(HOME))
    todo = section(body, "viec-cua-ban")
    assert "Có 1 đề nghị khai thác hồ sơ ngoài công tác cán bộ đang chờ bạn đồng ý" in todo
    assert reverse("web:consent") in todo
    assert "Hồ sơ của người khác" not in body


def test_open_discrepancies_say_what_the_employee_is_expected_to_do(
    as_, personas, people, employee
):
    from hoso.changes.services.discrepancies import discrepancy_report

    manager = personas["quanly"]
    manager.full_name = "Trần Thị Quản Lý"
    manager.save()
    theirs = discrepancy_report(
        acting_user=manager,
        personal_id=people["an"].personal_id,
        sections=["identity"],
        field="identity.home_town",
        paper_says="Xã Hải Thanh, Hải Hậu, Nam Định (bản khai 2008)",
    )
    mine = discrepancy_report(
        acting_user=employee,
        personal_id=people["an"].personal_id,
        sections=["training"],
        paper_says="Tốt nghiệp năm 2007, không phải 2006",
    )
    discrepancy_report(
        acting_user=manager,
        personal_id=people["hoa"].personal_id,
        sections=["identity"],
        paper_says="Sai lệch ở hồ sơ của người khác",
    )
    body = text(as_(employee).get(HOME))
    found = section(body, "tieu-de-sai-lech")
    assert f"Số {theirs.pk}" in found and "Quê quán" in found
    assert "Trần Thị Quản Lý báo ngày" in found and "quanly" not in found
    assert "bản khai 2008" in found and "Hãy kiểm tra lại thông tin này của bạn" in found
    assert f"Số {mine.pk}" in found and "Bạn báo ngày" in found
    assert "Bạn đã báo sai lệch này" in found
    assert "Sai lệch ở hồ sơ của người khác" not in body
    assert "Hồ sơ đang có 2 sai lệch" in section(body, "viec-cua-ban")


def test_a_dossier_with_nothing_pending_says_nothing_is_expected(as_, employee):
    body = text(as_(employee).get(HOME))
    assert "Hiện không có việc gì cần bạn làm." in section(body, "viec-cua-ban")
    assert "Hướng dẫn sử dụng" in body


# --- The page as a whole --------------------------------------------------------------------


def test_every_link_the_home_offers_the_employee_opens(as_, people, employee):
    client = as_(employee)
    body = text(client.get(HOME))
    main = re.search(r'<main id="noi-dung".*?</main>', body, re.S).group(0)
    links = set(re.findall(r'<a [^>]*href="(/[^"#]*)', main))
    assert reverse("web:self_correction") in links
    assert reverse("web:components", args=[people["an"].personal_id]) in links
    for url in links:
        assert client.get(url).status_code == 200, url


def test_the_home_has_no_inline_script_handler_or_style(as_, employee):
    body = text(as_(employee).get(HOME))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body, re.I)
    assert not re.search(r"\son[a-z]+\s*=", body, re.I)
    assert not re.search(r"\sstyle\s*=", body, re.I)


def test_only_the_own_consents_are_listed(as_, personas, people, employee, hoa_account):
    from hoso.access.services import consent_give

    consent_give(acting_user=hoa_account, grantee=personas["lanhdao"], purpose="Của chị Hoa")
    consent_give(acting_user=employee, grantee=personas["ngoai"], purpose="Của anh An")
    consents = section(text(as_(employee).get(HOME)), "dong-y")
    assert "Của anh An" in consents and "Của chị Hoa" not in consents
    assert Consent.objects.count() == 2
