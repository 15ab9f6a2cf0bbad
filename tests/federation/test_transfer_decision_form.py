"""The transfer decision's form offers the other agencies' nodes (R-NO-SILO; issue 14 item 3):
a pick list from the hub's registry of nodes (a real hub process, through the node's mutual-TLS
client, cached), named by agency in Vietnamese, without this node; a code that is no node of
the hub, or this node's own, is refused by name and nothing is written; with the hub down the
code is typed by hand (the nodes last known suggested), the page says why, and the decision
is registered, the hub judging the receiver at the hand-over."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from tests.eligibility.helpers import eligible
from tests.web.test_decision_pages import a_scan, form, new_url

from conftest import login
from hoso.changes.models import ChangeSet, PersonnelDecision
from hoso.federation import client as hub_client

DOWN = "https://127.0.0.1:9"  # nothing listens


@pytest.fixture
def at_a(settings, pki, tmp_path):
    settings.HOSO_FEDERATION_NODE_ID = "tinh-a"
    settings.HOSO_FEDERATION_DIR = pki.nodes["tinh-a"].key.parent
    settings.HOSO_HUB_TIMEOUT_SECONDS = 5
    settings.HOSO_STORAGE_DIR = tmp_path / "files"
    settings.DATA_DIR = tmp_path
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def clerk(personas) -> Client:
    return login(Client(), personas["nhaplieu"])


@pytest.fixture
def an(make_dossier):
    return make_dossier(unit="T01.STC", full_name="Nguyễn Văn An", **eligible())


def _transfer(**fields):
    data = form(**fields)
    data.pop("p_organization")
    return data


def test_the_form_offers_the_other_agencies_nodes_from_the_hub(hub, at_a, clerk, an):
    at_a.HOSO_HUB_URL = hub.url
    page = clerk.get(new_url(an, "transfer")).content.decode()
    assert '<select name="p_to_node"' in page
    assert '<option value="tinh-b">Sở Nội vụ tỉnh B (tinh-b)</option>' in page
    assert '<option value="thu">Nút thử nghiệm (thu)</option>' in page
    assert 'value="tinh-a"' not in page  # not this node itself
    assert "data-node-notice" not in page
    # Cached: the hub is not asked again while the list is fresh.
    assert cache.get(hub_client._cache_key("fresh"))
    answer = clerk.post(new_url(an, "transfer"), _transfer(p_to_node="tinh-b"))
    assert answer.status_code == 200, answer.content.decode()[-2000:]
    assert "Điều động đến Sở Nội vụ tỉnh B (cơ quan tinh-b)" in answer.content.decode()


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("tinh-z", "Nút tiếp nhận «tinh-z» chưa được đăng ký với Cơ sở dữ liệu quốc gia."),
        ("la", "Nút tiếp nhận «la» chưa được đăng ký với Cơ sở dữ liệu quốc gia."),
        ("tinh-a", "«tinh-a»"),  # this node: handover_same_node
    ],
)
def test_a_code_that_is_no_other_node_is_refused_by_name(hub, at_a, clerk, an, code, said):
    at_a.HOSO_HUB_URL = hub.url
    answer = clerk.post(
        new_url(an, "transfer"), _transfer(p_to_node=code, action="save", scan=a_scan())
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert said in page and "field--error" in page
    assert "không có trong danh mục" not in page  # not the generic picker's message
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()


def test_with_the_hub_down_a_typed_code_works_and_the_page_says_so(at_a, clerk, an):
    at_a.HOSO_HUB_URL = DOWN
    # What this node learnt from the hub earlier is suggested.
    cache.set(hub_client._cache_key("known"), [("tinh-b", "Sở Nội vụ tỉnh B")], 60)
    page = clerk.get(new_url(an, "transfer")).content.decode()
    assert '<input type="text" name="p_to_node"' in page
    assert "data-node-notice" in page and "Không kết nối được Cơ sở dữ liệu quốc gia" in page
    assert "không kết nối được máy chủ" in page  # why, in the field's help
    assert '<option value="tinh-b">Sở Nội vụ tỉnh B (tinh-b)</option>' in page  # datalist
    answer = clerk.post(
        new_url(an, "transfer"), _transfer(p_to_node="tinh-b", action="save", scan=a_scan())
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    decision = PersonnelDecision.objects.get()
    assert json.loads(decision.parameters)["to_node"] == "tinh-b"


def test_a_node_without_a_hub_keeps_the_plain_field(settings, clerk, an):
    settings.HOSO_HUB_URL = ""
    cache.clear()
    page = clerk.get(new_url(an, "transfer")).content.decode()
    assert '<input type="text" name="p_to_node"' in page
    assert "data-node-notice" not in page
