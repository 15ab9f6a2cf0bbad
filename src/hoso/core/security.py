"""Defence in depth for every response (R-LAYERS): a strict Content-Security-Policy (no
inline script, nothing from outside the node) and a network allowlist."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", PERMISSIONS)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Dossier pages must not linger in shared caches or the browser's history cache.
            response.setdefault("Cache-Control", "no-store")
        return response


class NetworkAllowlistMiddleware:
    """Refuses clients outside `HOSO_ALLOWED_NETWORKS` (connections are internal only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(n, strict=False) for n in settings.HOSO_ALLOWED_NETWORKS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return HttpResponseForbidden("Địa chỉ máy khách không hợp lệ.")
        if not any(client in network for network in self.networks):
            return HttpResponseForbidden(
                "Máy của bạn không thuộc mạng được phép truy cập hệ thống."
            )
        return self.get_response(request)
