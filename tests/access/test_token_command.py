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


# --- expiry, list and revoke (issue 15, finding 3) ---------------------------------------------


def _token(username: str, *extra: str) -> str:
    out = StringIO()
    call_command("token", "create", username, *extra, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_a_token_gets_the_lifetime_asked_within_the_longest_allowed(personas, settings):
    from datetime import timedelta

    from django.utils import timezone

    _token("quanly", "--days", "3")
    row = ApiToken.objects.get(user=personas["quanly"])
    assert abs(row.expires_at - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    settings.HOSO_API_TOKEN_MAX_DAYS = 30
    with pytest.raises(CommandError, match="Thời hạn của mã truy cập phải từ 1 đến 30 ngày"):
        _token("quanly", "--days", "31")
    with pytest.raises(CommandError, match="từ 1 đến 30 ngày"):
        _token("quanly", "--days", "0")
    assert ApiToken.objects.count() == 1


def test_the_list_shows_every_token_with_its_state_but_never_the_token(personas):
    first = _token("quanly")
    _token("nhaplieu")
    call_command(
        "token",
        "revoke",
        str(ApiToken.objects.get(user=personas["nhaplieu"]).pk),
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("token", "list", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0].startswith("Mã số\tTài khoản\tPhần đầu\tCấp lúc\tHết hạn")
    assert "quanly" in text and "còn hiệu lực" in text
    assert "đã thu hồi" in text and "Thu hồi bằng lệnh hoso token revoke" in text
    assert first not in text and first[:12] in text
    only = StringIO()
    call_command("token", "list", "quanly", stdout=only)
    assert "nhaplieu" not in only.getvalue()


def test_revoking_by_id_or_all_of_an_account_stops_the_tokens_and_is_audited(personas):
    from hoso.audit.models import AuditAction, AuditEvent

    one, two = _token("quanly"), _token("quanly")
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(one))
    out = StringIO()
    call_command("token", "revoke", str(row.pk), stdout=out)
    assert f"Đã thu hồi mã số {row.pk}" in out.getvalue()
    assert Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {one}").status_code == 401
    assert Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {two}").status_code == 200
    call_command("token", "revoke", "--all", "quanly", stdout=StringIO())
    assert Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {two}").status_code == 401
    events = AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).order_by("seq")
    assert [e.detail["reason"] for e in events] == ["operator", "operator"]
    assert all(e.actor_username == "system" for e in events)
    with pytest.raises(CommandError, match="đã bị thu hồi"):
        call_command("token", "revoke", str(row.pk), stdout=StringIO())


def test_revoke_needs_ids_or_an_account_and_names_unknown_ids(personas):
    with pytest.raises(CommandError, match="Hãy ghi mã số"):
        call_command("token", "revoke", stdout=StringIO())
    with pytest.raises(CommandError, match="Không có mã số: 999999"):
        call_command("token", "revoke", "999999", stdout=StringIO())


def test_the_command_help_is_vietnamese(personas):
    from hoso.access.management.commands.token import Command

    parser = Command().create_parser("hoso", "token")
    text = parser.format_help()
    assert "Mã truy cập API" in text and "revoke" in text and "list" in text
