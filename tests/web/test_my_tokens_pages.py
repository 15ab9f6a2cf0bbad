"""The page of one's own API tokens (issue 15, finding 3): listed with their state, never the
token itself; revoked by their owner only; linked from the account box of every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from hoso.access import services
from hoso.access.models import ApiToken
from hoso.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_users_own_tokens_with_their_state_and_dates(personas):
    user = personas["nhaplieu"]
    live = services.token_create(acting_user=None, user=user)
    old = services.token_create(acting_user=None, user=user)
    ApiToken.objects.filter(key_hash=ApiToken.hash_key(old)).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    services.token_create(acting_user=None, user=personas["quanly"])  # someone else's
    client = login(Client(), user)
    page = client.get(reverse("web:search")).content.decode()
    assert f'href="{reverse("web:my_tokens")}"' in page  # the account box links to it
    body = client.get(reverse("web:my_tokens")).content.decode()
    assert live[:12] in body and old[:12] in body and live not in body
    assert "Còn hiệu lực" in body and "Hết hạn" in body
    assert body.count('action="/tai-khoan-cua-toi/ma-truy-cap/') == 1  # the live one only
    assert ApiToken.objects.get(user=personas["quanly"]).prefix not in body
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(live))
    assert timezone.localtime(row.expires_at).strftime("%d/%m/%Y %H:%M") in body


def test_an_account_without_tokens_is_told_so(personas):
    body = login(Client(), personas["lanhdao"]).get(reverse("web:my_tokens")).content.decode()
    assert "chưa được cấp mã truy cập API nào" in body


def test_the_owner_revokes_a_token_and_it_stops_at_once(personas):
    user = personas["nhaplieu"]
    key = services.token_create(acting_user=None, user=user)
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/people").status_code == 200
    client = login(Client(), user)
    response = client.post(reverse("web:my_token_revoke", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:my_tokens")
    assert api.get("/api/v1/people").status_code == 401
    body = client.get(reverse("web:my_tokens")).content.decode()
    assert f"Đã thu hồi mã {row.prefix}…" in body and "Người dùng tự thu hồi" in body
    event = AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).latest("seq")
    assert event.actor_username == "nhaplieu" and event.detail["reason"] == "owner"


def test_someone_elses_token_answers_the_one_404_and_stays(personas):
    key = services.token_create(acting_user=None, user=personas["quanly"])
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    client = login(Client(), personas["nhaplieu"])
    assert client.post(reverse("web:my_token_revoke", args=[row.pk])).status_code == 404
    assert client.post(reverse("web:my_token_revoke", args=[999999])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_revoking_needs_a_post_and_a_csrf_token(personas):
    user = personas["nhaplieu"]
    key = services.token_create(acting_user=None, user=user)
    row = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    client = login(Client(), user)
    client.handler.enforce_csrf_checks = True  # from here on, as a browser's forms are
    url = reverse("web:my_token_revoke", args=[row.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    row.refresh_from_db()
    assert row.revoked_at is None
