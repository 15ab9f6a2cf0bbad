"""Creating a dossier looks the personal id up in the population database (R-POPULATION): the
simulator, a real process, fills the identity fields, which are marked as sourced and read-only;
slow, down, unknown or contradicting, the node keeps working and says so, the fields typed by
hand and unverified. The same through the changeset API. Every lookup audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from tests.population.conftest import write

from conftest import dossier
from hoso import identity
from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent
from hoso.changes.models import ChangeSet, ChangeStatus
from hoso.population.models import Lookup
from hoso.population.records import CitizenRecord, Code

pytestmark = pytest.mark.django_db

PID = identity.generate(province_code="001", birth_year=1990, sex="F", serial=8181)
MAI = CitizenRecord(
    personal_id=PID,
    full_name="Hoàng Thị Mai",
    birth_date=date(1990, 4, 12),
    sex="F",
    birth_place="Xã Đông Ngạc, Hà Nội",
    ethnicity="01",
    marital_status="Đã kết hôn",
    permanent_residence="Số 5 phố Tràng Thi, phường Hoàn Kiếm, Hà Nội",
)


def _post(client, action, pid=PID):
    return client.post(reverse("web:entry_start"), {"personal_id": pid, "action": action})


def _identity_of(draft: ChangeSet) -> dict:
    return json.loads(draft.operations)[0]["data"]["identity"]


def test_a_new_dossier_is_filled_from_the_population_database(as_, personas, popdb, orgs):
    write(popdb, MAI)
    popdb.start()
    client = as_("nhaplieu")
    checked = _post(client, "check").content.decode()
    assert 'data-population="population_found"' in checked
    assert "Hoàng Thị Mai, sinh ngày 12/04/1990, giới tính nữ" in checked
    started = _post(client, "start")
    assert started.status_code == 302
    draft = ChangeSet.objects.get(proposer=personas["nhaplieu"], status=ChangeStatus.DRAFT)
    filled = _identity_of(draft)
    assert filled["full_name"] == "Hoàng Thị Mai" and filled["birth_date"] == "1990-04-12"
    assert filled["permanent_residence"] == MAI.permanent_residence
    kept = Lookup.objects.filter(personal_id=PID).first()
    assert kept.code == Code.FOUND and kept.changeset == draft and kept.verified
    # The identity form shows the sourced fields read-only; a posted change is ignored.
    page = client.get(started["Location"]).content.decode()
    assert "Lấy từ Cơ sở dữ liệu quốc gia về dân cư" in page
    assert 'name="full_name"' in page and "disabled" in page.split('name="full_name"')[1][:200]
    url = reverse("web:entry_section", args=[draft.pk, "identity"])
    body = {"action": "save", "full_name": "Tên Khác", "birth_date": "01/01/1990", "sex": "F"}
    body.update({"nationality": "VN", "ethnicity": "01", "phone": "0912345678"})
    client.post(url, body)
    draft.refresh_from_db()
    assert _identity_of(draft)["full_name"] == "Hoàng Thị Mai"
    events = AuditEvent.objects.filter(action=AuditAction.POPULATION, personal_id=PID)
    assert events.count() == 2  # the check and the start, each audited


@pytest.mark.parametrize(
    "flags, code, said",
    [
        (None, Code.UNAVAILABLE, "Không kết nối được"),
        (("--latency-ms", "2000"), Code.TIMEOUT, "không trả lời kịp"),
        (("--wrong-rate", "1"), Code.CONTRADICTS_ID, "mâu thuẫn với số định danh"),
        (("--fail-rate", "1"), Code.UNAVAILABLE, "Không kết nối được"),
    ],
)
def test_slow_down_or_wrong_the_node_keeps_working_and_says_so(
    as_, personas, popdb, orgs, flags, code, said
):
    write(popdb, MAI)
    if flags is not None:
        popdb.start(*flags)
    client = as_("nhaplieu")
    checked = _post(client, "check")
    html = checked.content.decode()
    assert checked.status_code == 200 and f'data-population="{code}"' in html
    assert said in html and "chưa xác thực" in html
    started = _post(client, "start")
    assert started.status_code == 302
    draft = ChangeSet.objects.get(proposer=personas["nhaplieu"], status=ChangeStatus.DRAFT)
    assert "full_name" not in _identity_of(draft)  # nothing of a bad answer is used
    page = client.get(started["Location"]).content.decode()
    assert said in page  # the warning is carried to the form
    assert "Lấy từ Cơ sở dữ liệu quốc gia về dân cư; không sửa" not in page
    assert Lookup.objects.filter(personal_id=PID, code=code, changeset=draft).exists()


def test_an_unknown_id_gets_a_stable_code(as_, popdb, orgs):
    write(popdb, MAI)
    popdb.start()
    other = identity.generate(province_code="079", birth_year=1991, sex="M", serial=5)
    html = _post(as_("nhaplieu"), "check", other).content.decode()
    assert 'data-population="population_not_found"' in html
    assert "không có số định danh này" in html
    event = AuditEvent.objects.filter(action=AuditAction.POPULATION, personal_id=other).get()
    assert "population_not_found" in json.dumps(event.detail, ensure_ascii=False)


def test_not_configured_says_so(as_, settings, orgs):
    settings.HOSO_POPULATION_URL = ""
    html = _post(as_("nhaplieu"), "check").content.decode()
    assert 'data-population="population_not_configured"' in html and "Chưa cấu hình" in html


def test_a_refused_or_invalid_id_asks_nothing(as_, popdb, make_dossier, orgs):
    popdb.start()
    existing = make_dossier()
    client = as_("nhaplieu")
    assert _post(client, "check", existing.personal_id).status_code == 400
    assert _post(client, "check", "0010851234").status_code == 400
    assert not Lookup.objects.exists()


def test_the_api_creation_is_filled_from_the_population_database(personas, popdb, orgs):
    data = dossier(full_name="Tên Gõ Tay", birth_date=date(1990, 4, 12), sex="F")
    pid = data["identity"]["personal_id"]
    write(popdb, CitizenRecord(**{**MAI.__dict__, "personal_id": pid}))
    popdb.start()
    token = token_create(acting_user=None, user=personas["nhaplieu"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "personal_id": pid,
        "operations": [{"op": "create", "data": data}],
        "source_kind": "paper",
        "paper_confirmed_on": "2026-11-02",
    }
    created = client.post("/api/v1/changesets", body, content_type="application/json")
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["population_code"] == "population_found" and out["population_verified"] is True
    proposal = ChangeSet.objects.get(pk=out["id"])
    assert _identity_of(proposal)["full_name"] == "Hoàng Thị Mai"
    popdb.stop()  # down: the creation goes through as typed, and says so
    data2 = dossier(full_name="Người Thứ Hai", sex="M")
    body2 = {**body, "personal_id": data2["identity"]["personal_id"]}
    body2["operations"] = [{"op": "create", "data": data2}]
    created2 = client.post("/api/v1/changesets", body2, content_type="application/json")
    assert created2.status_code == 201, created2.content
    assert created2.json()["population_code"] == "population_unavailable"
    assert created2.json()["population_verified"] is False
    second = ChangeSet.objects.get(pk=created2.json()["id"])
    assert _identity_of(second)["full_name"] == "Người Thứ Hai"
