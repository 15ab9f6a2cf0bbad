"""The user's own API tokens: see them (never the token itself, only its first characters)
and revoke any of them (issue 15, finding 3). Nobody sees or revokes another account's
tokens here: a token of someone else answers the one 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import selectors as access_selectors
from hoso.access import services as access_services
from hoso.core.errors import DomainError
from hoso.web.views.common import not_found

STATES = {"active": "Còn hiệu lực", "expired": "Hết hạn", "revoked": "Đã thu hồi"}


@login_required
@never_cache
def my_tokens(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"token": t, "state": t.state(now), "state_label": STATES[t.state(now)]}
        for t in access_selectors.tokens_of(request.user)
    ]
    return render(request, "hoso/accounts/my_tokens.html", {"rows": rows})


@login_required
@require_POST
def my_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_selectors.token_get(request.user, pk)
    if token is None:
        return not_found(request)
    try:
        access_services.token_revoke(acting_user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, " ".join(p.message for p in exc.problems) or exc.message)
    else:
        messages.success(
            request,
            f"Đã thu hồi mã {token.prefix}…: mọi yêu cầu dùng mã này từ nay bị từ chối.",
        )
    return redirect("web:my_tokens")
