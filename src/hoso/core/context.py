"""Who is asking from where, for the audit: the client address and a correlation id per
request (or per command), without threading them through every call."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    client_address: str = ""
    correlation_id: str = ""
    channel: str = "cli"  # web, api or cli


_current: ContextVar[RequestContext | None] = ContextVar("hoso_request", default=None)
# What one request has already read (e.g. a user's access decision, `access.policies.gate_for`).
# Only set while a request runs: a command, a task or a test calling services reads fresh rows.
_memo: ContextVar[dict[Any, Any] | None] = ContextVar("hoso_request_memo", default=None)


def request_memo() -> dict[Any, Any] | None:
    """This request's memo, or None outside a request (then nothing may be cached)."""
    return _memo.get()


def memo_forget() -> None:
    """Drop what this request has memoized: a write changed what it was read from."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def current() -> RequestContext:
    ctx = _current.get() or RequestContext()
    if not ctx.correlation_id:  # a command or task: one id for the whole run
        ctx = RequestContext(ctx.client_address, uuid.uuid4().hex, ctx.channel)
        _current.set(ctx)
    return ctx


class RequestContextMiddleware:
    """Sets the context for each request; the id is echoed in `X-Correlation-Id`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        # REMOTE_ADDR only: nodes are reached directly on closed networks; a reverse proxy
        # would set it through its own trusted mechanism (documented in operations).
        ctx = RequestContext(request.META.get("REMOTE_ADDR", ""), uuid.uuid4().hex, channel)
        token = _current.set(ctx)
        memo_token = _memo.set({})
        try:
            response = self.get_response(request)
        finally:
            _memo.reset(memo_token)
            _current.reset(token)
        response["X-Correlation-Id"] = ctx.correlation_id
        return response
