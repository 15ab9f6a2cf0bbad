"""`hoso token create`: a bearer token that opens the API, shown once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hoso.access.models import ApiToken


def test_token_authenticates_the_people_api(personas):
    out = StringIO()
    call_command("token", "create", "quanly", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    assert token.startswith("hoso_")
    response = Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "results" in response.json()


def test_only_the_hash_of_the_token_is_stored(personas):
    out = StringIO()
    call_command("token", "create", "quanly", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    stored = ApiToken.objects.get(user=personas["quanly"])
    assert stored.key_hash == ApiToken.hash_key(token) and token not in stored.key_hash


def test_a_wrong_token_is_refused(personas):
    response = Client().get("/api/v1/people", HTTP_AUTHORIZATION="Bearer hoso_khong-dung")
    assert response.status_code == 401


def test_unknown_user_is_an_error_in_vietnamese(db):
    with pytest.raises(CommandError, match="Không có tài khoản «khongco»"):
        call_command("token", "create", "khongco", stdout=StringIO())


def test_a_locked_account_gets_no_token(personas):
    user = personas["quanly"]
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="khóa"):
        call_command("token", "create", "quanly", stdout=StringIO(), stderr=StringIO())
