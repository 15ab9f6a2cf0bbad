"""The national hub's pages (R-NATIONAL, R-LIVE, R-SECRET; issue 14 item 1): the registry
searched by personal id or name and paged, national counts with charts, each node's lag polled
live; only for an account with a `hub_operator` duty (deny by default, refusals audited), and
every registry page shown audited with the ids it named. The registry is filled through the
real path: signed, chained packets taken by `hub.packets_receive`."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, login
from hoso import identity
from hoso.access.models import Role
from hoso.access.services import role_assign, user_create
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.federation import keys, national, packets
from hoso.federation.models import HubNode
from hoso.federation.services import hub
from hoso.signing.canonical import canonical
from hoso.signing.cms import sign_bytes

pytestmark = pytest.mark.django_db

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đặng Văn Đức"]


def _pid(serial: int, sex: str = "F", year: int = 1985) -> str:
    return identity.generate(province_code="001", birth_year=year, sex=sex, serial=serial)


def _send(pki, node: str, people: list[tuple[str, str, str, str]], head: int | None = None):
    """Packets for (pid, name, sex, birth) of `node`, signed with its key, taken by the hub."""
    key = keys.signing_key(pki.nodes[node])
    prev, items = "", []
    for seq, (pid, name, sex, birth) in enumerate(people, start=1):
        body = packets.body(
            node_id=node,
            seq=seq,
            prev=prev,
            personal_id=pid,
            version=1,
            creates=True,
            data={
                "identity": {
                    "personal_id": pid,
                    "full_name": name,
                    "sex": sex,
                    "birth_date": birth,
                },
                "employment": {"status": "working", "staff_category": "cong_chuc"},
                "salary": [{"rank_code": "01.003", "step": 3, "from_date": "2024-01-01"}],
            },
            applied_at="2026-12-07T10:00:00+07:00",
        )
        prev = packets.digest(body)
        signature = sign_bytes(canonical(body), key)
        items.append({"body": body, "signature": base64.b64encode(signature.der).decode()})
    batch = hub.packets_receive(node_id=node, head=head or len(items), items=items)
    assert batch.refused is None


@pytest.fixture
def registry(pki):
    roots = keys.roots(pki.hub)
    for node, name in (("tinh-a", "Sở Nội vụ tỉnh A"), ("tinh-b", "Sở Nội vụ tỉnh B")):
        cert = pki.nodes[node].cert.read_bytes()
        hub.node_register(node_id=node, name=name, certificate_pem=cert, trust_roots=roots)
    hub.node_register(
        node_id="thu",
        name="Nút thử nghiệm",
        certificate_pem=pki.nodes["thu"].cert.read_bytes(),
        trust_roots=roots,
    )
    a = [
        (
            _pid(i, "M" if i % 2 else "F", 1960 + i),
            NAMES[i % 5],
            "M" if i % 2 else "F",
            f"{1960 + i}-05-01",
        )
        for i in range(1, 28)
    ]
    _send(pki, "tinh-a", a, head=30)  # the node reported 30: three packets still on their way
    _send(pki, "tinh-b", [(_pid(900, "F", 1995), "Hoàng Thị Mai", "F", "1995-01-02")])
    return {"a": a}


@pytest.fixture
def operator(db):
    account = user_create(
        acting_user=None, username="vanhanh", password=PASSWORD, full_name="Vận hành viên"
    )
    role_assign(
        acting_user=None,
        user=account,
        role=Role.HUB_OPERATOR,
        organization=None,
        valid_from=date(2025, 1, 1),
    )
    return account


@pytest.fixture
def as_operator(client, operator):
    return login(client, operator)


def _listed(user):
    return AuditEvent.objects.filter(
        action=AuditAction.SEARCH, actor_username=user.username, detail__query__registry="national"
    )


def test_the_operator_finds_a_person_by_name_without_diacritics_and_sees_the_managing_node(
    registry, as_operator, operator
):
    page = as_operator.get(reverse("web:hub_registry"), {"q": "dang van duc"}).content.decode()
    assert "Đặng Văn Đức" in page and "Sở Nội vụ tỉnh A" in page and "(tinh-a)" in page
    assert "Nguyễn Văn An" not in page
    expected = sorted(pid for pid, name, _s, _b in registry["a"] if name == "Đặng Văn Đức")
    assert f"<strong>{len(expected)}</strong> người khớp" in page
    event = _listed(operator).latest("id")
    assert event.outcome == AuditOutcome.ALLOW and event.detail["shown"] == expected
    assert event.detail["query"]["q"] == "dang van duc" and event.detail["total"] == len(expected)


def test_a_personal_id_or_its_first_digits_find_the_entry_and_a_node_filter_narrows(
    registry, as_operator
):
    mai = _pid(900, "F", 1995)
    page = as_operator.get(reverse("web:hub_registry"), {"q": mai}).content.decode()
    assert "Hoàng Thị Mai" in page and "Sở Nội vụ tỉnh B" in page and "02/01/1995" in page
    assert "Nữ" in page and "Đang công tác" in page
    by_node = as_operator.get(reverse("web:hub_registry"), {"node": "tinh-b"}).content.decode()
    assert "<strong>1</strong> người khớp" in by_node and "Hoàng Thị Mai" in by_node
    prefix = as_operator.get(reverse("web:hub_registry"), {"q": mai[:6], "node": "tinh-b"})
    assert "Hoàng Thị Mai" in prefix.content.decode()


def test_the_registry_is_paged_in_a_bounded_number_of_queries(
    registry, as_operator, operator, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        first = as_operator.get(reverse("web:hub_registry")).content.decode()
    assert "Sổ đăng ký có <strong>28</strong> người" in first and "Trang 1 / 2" in first
    second = as_operator.get(reverse("web:hub_registry"), {"page": 2}).content.decode()
    assert "Trang 2 / 2" in second
    shown = [e.detail["shown"] for e in _listed(operator).order_by("id")]
    assert len(shown[0]) == national.PAGE_SIZE and len(shown[1]) == 28 - national.PAGE_SIZE
    assert not set(shown[0]) & set(shown[1])
    # An htmx request gets the results alone, to swap in.
    partial = as_operator.get(reverse("web:hub_registry"), {"page": 2}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Trang 2 / 2" in partial.content.decode()


@pytest.mark.parametrize(
    "query, code, said",
    [
        ({"q": "999085012345"}, "bad_personal_id", "Mã tỉnh nơi đăng ký khai sinh «999»"),
        ({"q": "Nguyễn 12"}, "bad_query", "chỉ chữ số"),
        ({"q": "a"}, "query_too_short", "ít nhất 2 chữ cái"),
        ({"node": "tinh-z"}, "unknown_node", "Không có nút «tinh-z»"),
    ],
)
def test_a_bad_search_gets_a_stable_code_and_lists_no_one(
    registry, as_operator, operator, query, code, said
):
    response = as_operator.get(reverse("web:hub_registry"), query)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'data-code="{code}"' in page and said in page
    assert "<table" not in page and not _listed(operator).exists()


@pytest.mark.parametrize("name", ["hub_registry", "hub_statistics", "hub_nodes"])
def test_every_other_account_is_refused_and_the_refusal_audited(registry, client, personas, name):
    url = reverse(f"web:{name}")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("web:login") in anonymous["Location"]
    for username in ("quantri", "quanly", "thanhtra", "lanhdao"):
        account = personas[username]
        response = login(client, account).get(url)
        page = response.content.decode()
        assert response.status_code == 403, username
        assert "vận hành Cơ sở dữ liệu quốc gia" in page and "Hoàng Thị Mai" not in page
        refused = AuditEvent.objects.filter(
            action=AuditAction.FEDERATION,
            outcome=AuditOutcome.DENY,
            actor_username=username,
            detail__code="not_hub_operator",
        )
        assert refused.count() == 1, username
        client.logout()


def test_an_operator_whose_duty_ended_is_refused(registry, client, operator):
    duty = operator.role_assignments.get()
    duty.valid_to = date.today() - timedelta(days=1)
    duty.save(update_fields=["valid_to"])
    assert login(client, operator).get(reverse("web:hub_registry")).status_code == 403


def test_the_national_statistics_count_and_draw_the_basic_information(registry, as_operator):
    figures = national.statistics(on=date(2026, 12, 7))
    assert figures.total == 28
    by = dict(figures.by)
    assert dict(by["Cơ quan quản lý (nút)"]) == {"Sở Nội vụ tỉnh A": 27, "Sở Nội vụ tỉnh B": 1}
    assert dict(by["Giới tính"]) == {"Nam": 14, "Nữ": 14}
    ages = by["Nhóm tuổi"]
    assert [label for label, _n in ages] == ["30–39", "40–49", "50–59", "Từ 60 trở lên"]
    assert sum(n for _l, n in ages) == 28
    page = as_operator.get(reverse("web:hub_statistics")).content.decode()
    assert "Sổ đăng ký quốc gia có <strong>28</strong> người" in page
    assert page.count('<svg class="bar-chart count-chart"') == len(national.DIMENSIONS)
    assert "Số người theo giới tính" in page and "96,4%" in page  # 27 of 28 at province A


def test_the_lag_page_shows_each_node_behind_silent_or_never_seen_and_polls(registry, as_operator):
    rows = {row.node_id: row for row in national.lag()}
    assert rows["tinh-a"].last_seq == 27 and rows["tinh-a"].pending == 3
    assert rows["tinh-a"].state == "behind" and rows["tinh-a"].seconds_since_packet is not None
    assert rows["tinh-b"].state == "ok" and rows["tinh-b"].pending == 0
    assert rows["thu"].state == "never" and rows["thu"].last_packet is None
    HubNode.objects.filter(node_id="tinh-b").update(
        last_received_at=timezone.now() - timedelta(seconds=national.SILENT_SECONDS + 5)
    )
    page = as_operator.get(reverse("web:hub_nodes")).content.decode()
    assert 'data-node="tinh-a" data-state="behind"' in page and 'data-pending="3"' in page
    assert 'data-node="tinh-b" data-state="silent"' in page and "Mất liên lạc" in page
    assert 'data-node="thu" data-state="never"' in page and "Chưa kết nối" in page
    assert 'hx-trigger="every 2s"' in page
    fragment = as_operator.get(reverse("web:hub_nodes"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="do-tre"') and "<html" not in fragment


def test_the_hub_link_is_in_the_menu_of_operators_only(registry, as_operator, client, personas):
    assert (
        "Cơ sở dữ liệu quốc gia</a>" in as_operator.get(reverse("web:hub_nodes")).content.decode()
    )
    as_operator.logout()
    page = login(client, personas["quanly"]).get(reverse("web:search")).content.decode()
    assert reverse("web:hub_registry") not in page
