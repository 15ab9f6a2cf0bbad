"""The grant form offers the approval levels of the catalog as a picker, lowest first, and
refuses anything else next to the field (issue 15 finding 4; R-WRITTEN-APPROVAL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import login
from hoso.access.models import AccessGrant
from hoso.core.dates import today

pytestmark = pytest.mark.django_db


def form_data(person, **overrides) -> dict:
    data = {
        "grantee": "ngoai",
        "person_ids": person.personal_id,
        "organization": "",
        "ceiling": "personal",
        "secret_ceiling": "mat",
        "approval_level": "tham_quyen_mat",
        "purpose_kind": "cadre_work",
        "purpose": "Thẩm định hồ sơ đề nghị bổ nhiệm",
        "document_number": "12/CV-BTCTU",
        "document_date": "03/11/2026",
        "signer": "Trưởng Ban Tổ chức Tỉnh ủy",
        "valid_from": (today() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "valid_to": (today() + timedelta(days=30)).strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_catalog_levels_lowest_first(client, personas):
    body = login(client, personas["quanly"]).get(reverse("web:grant_new")).content.decode()
    select = re.search(r'<select name="approval_level".*?</select>', body, re.S)
    assert select is not None, body
    values = re.findall(r'<option value="([^"]*)"', select.group(0))
    assert values == ["", "tham_quyen_mat", "tham_quyen_toi_mat", "tham_quyen_tuyet_mat"]
    assert "Người có thẩm quyền cho phép đối với bí mật nhà nước độ Tối mật" in select.group(0)


def test_a_level_not_offered_is_refused_next_to_the_field(client, personas, make_dossier):
    secret = make_dossier(protection={"secret_label": "mat"})
    response = login(client, personas["quanly"]).post(
        reverse("web:grant_new"), form_data(secret, approval_level="x")
    )
    assert response.status_code == 400
    assert "Cấp phê duyệt «x» không có trong danh mục." in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_a_picked_level_that_suffices_records_the_grant(client, personas, make_dossier):
    secret = make_dossier(protection={"secret_label": "mat"})
    response = login(client, personas["quanly"]).post(reverse("web:grant_new"), form_data(secret))
    assert response.status_code == 302, response.content.decode()
    assert AccessGrant.objects.get().approval_level == "tham_quyen_mat"
