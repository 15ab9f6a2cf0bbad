"""Session rules (R-LAYERS): idle timeout, absolute lifetime, and the end of every session
of an account that was disabled, reset or re-assigned. Checked on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STAMP, STARTED, SEEN = "hoso_stamp", "hoso_started", "hoso_seen"


def session_start(request: HttpRequest) -> None:
    """Called right after login."""
    now = int(time.time())
    request.session[STAMP] = request.user.security_stamp
    request.session[STARTED] = now
    request.session[SEEN] = now


def _expired(request: HttpRequest, now: int) -> bool:
    user = request.user
    session = request.session
    if not user.is_active or session.get(STAMP) != user.security_stamp:
        return True
    if now - int(session.get(STARTED, 0)) > settings.HOSO_SESSION_MAX_SECONDS:
        return True
    return now - int(session.get(SEEN, 0)) > settings.HOSO_SESSION_IDLE_SECONDS


class SessionRulesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if STAMP not in request.session:
                # The first request of a session that the login view did not stamp.
                session_start(request)
            elif _expired(request, now):
                logout(request)
            else:
                request.session[SEEN] = now
        return self.get_response(request)
