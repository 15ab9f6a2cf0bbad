"""Pages refuse a session whose second factor is not verified (R-LAYERS).

Logging in is two steps: the password signs the session in, the one-time code verifies it
(`django_otp.login`). Between the two, and for any session that never passed the code (one
made before MFA was switched on, say), every page but the login, code and logout pages
sends the browser to the code step. Deny by default: a page added later is covered without
doing anything. The API answers such sessions itself with a JSON 401 (`hoso.api.auth`).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from hoso.access.mfa import is_verified

# The pages a signed-in but unverified session may open.
OPEN_STEPS = frozenset({"web:login", "web:otp", "web:logout"})
API_NAMESPACE = "api-v1"


def otp_url(next_url: str = "") -> str:
    url = reverse("web:otp")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _open(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in OPEN_STEPS or API_NAMESPACE in match.namespaces


class VerifiedSessionMiddleware:
    """After `OTPMiddleware` and the session rules: redirect unverified sessions to the code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(user)
            and not _open(request)
        ):
            target = otp_url(request.get_full_path())
            if request.headers.get("HX-Request") == "true":
                # htmx would swap the code page into a fragment: have it load the page instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
