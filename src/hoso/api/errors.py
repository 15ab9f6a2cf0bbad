"""Every API error is JSON: {"error": {"code", "message" (Vietnamese), "problems"}}."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hoso.core.errors import DomainError


def error_body(code: str, message: str, problems: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "problems": problems or []}}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
        retry_after = getattr(exc, "retry_after", None)  # a throttled client (hoso.api.auth)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = error_body(
            "unauthenticated", "Cần đăng nhập hoặc mã truy cập (Bearer token) hợp lệ."
        )
        return api.create_response(request, body, status=401)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        problems = [
            {
                "code": "invalid_parameter",
                "message": str(e.get("msg", "")),
                "field": ".".join(str(p) for p in e.get("loc", [])),
            }
            for e in exc.errors
        ]
        body = error_body("invalid_request", "Tham số yêu cầu không hợp lệ.", problems)
        return api.create_response(request, body, status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        body = error_body(f"http_{exc.status_code}", str(exc))
        return api.create_response(request, body, status=exc.status_code)
