"""API authentication: a bearer token (`hoso token create`) or the browser session.

- The browser session counts only once both login steps passed (password and one-time code:
  `user.is_verified()`); a session between the two steps gets the JSON 401.
- A bearer token is a possession factor on its own: a 256-bit random secret issued by an
  administrator or the node's operator to a machine client (only its hash is stored), never
  typed by a person with a password, refused once revoked, expired, or its account disabled
  or locked. It is not asked for a one-time code (docs/decisions/0008-two-step-login.md).
  Every refused token is audited and counts against the client address: past the throttle
  (docs/decisions/0012-login-throttling.md) the API answers 429 with Retry-After.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from hoso.access import throttle
from hoso.access.mfa import is_verified
from hoso.access.services import token_use
from hoso.core.errors import DomainError


class TooManyAttempts(DomainError):
    """The client address is throttled after failed logins: 429 with Retry-After."""

    def __init__(self, block: throttle.Block) -> None:
        super().__init__(code="too_many_attempts", message=block.message, status=429)
        self.retry_after = block.seconds


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        block = throttle.blocked(request.META.get("REMOTE_ADDR", ""))
        if block is not None:
            raise TooManyAttempts(block)
        user = token_use(key=token)  # a refusal is audited and throttled there
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in and verified browser session; ninja's cookie auth also enforces CSRF on
    writes."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and is_verified(user):
            return user
        return None


AUTH = [BearerToken(), SessionAuth()]
