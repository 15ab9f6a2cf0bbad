"""Every API error is JSON: {"error": {"code", "message" (Vietnamese), "problems"}}.

Validation problems keep pydantic's `type` and `loc` (stable, machine-readable) and get a
Vietnamese `message` from `MESSAGES` (issue 16.4: pydantic's own text is English); `code` is
the same stable vocabulary the services use (`required`, `bad_date`, `out_of_range`, …).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from hoso.core.errors import DomainError

# pydantic error type → (hoso problem code, Vietnamese message; `{…}` from the error's ctx).
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("required", "Thiếu trường bắt buộc."),
    "repeated_parameter": ("repeated", "Tham số chỉ được có một giá trị."),
    "int_type": ("bad_integer", "Phải là số nguyên."),
    "int_parsing": ("bad_integer", "Phải là số nguyên."),
    "int_parsing_size": ("out_of_range", "Số nguyên quá lớn."),
    "int_from_float": ("bad_integer", "Phải là số nguyên, không có phần thập phân."),
    "float_type": ("bad_number", "Phải là số."),
    "float_parsing": ("bad_number", "Phải là số."),
    "finite_number": ("bad_number", "Phải là số hữu hạn."),
    "decimal_parsing": ("bad_number", "Phải là số."),
    "decimal_type": ("bad_number", "Phải là số."),
    "bool_type": ("bad_boolean", "Phải là true hoặc false."),
    "bool_parsing": ("bad_boolean", "Phải là true hoặc false."),
    "string_type": ("bad_text", "Phải là chuỗi ký tự."),
    "string_unicode": ("bad_text", "Phải là chuỗi ký tự Unicode hợp lệ."),
    "string_too_short": ("too_short", "Phải có ít nhất {min_length} ký tự."),
    "string_too_long": ("too_long", "Không được quá {max_length} ký tự."),
    "string_pattern_mismatch": ("bad_format", "Không đúng dạng quy định."),
    "greater_than": ("out_of_range", "Phải lớn hơn {gt}."),
    "greater_than_equal": ("out_of_range", "Phải từ {ge} trở lên."),
    "less_than": ("out_of_range", "Phải nhỏ hơn {lt}."),
    "less_than_equal": ("out_of_range", "Không được lớn hơn {le}."),
    "literal_error": ("bad_choice", "Phải là một trong: {expected}."),
    "enum": ("bad_choice", "Phải là một trong: {expected}."),
    "date_type": ("bad_date", "Ngày phải viết dạng YYYY-MM-DD."),
    "date_parsing": ("bad_date", "Ngày phải viết dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": ("bad_date", "Ngày phải viết dạng YYYY-MM-DD."),
    "date_from_datetime_inexact": ("bad_date", "Ngày phải viết dạng YYYY-MM-DD, không kèm giờ."),
    "date_format": ("bad_date", "Ngày phải viết dạng YYYY-MM-DD."),
    "date_invalid": ("bad_date", ""),  # the validator names the date
    "date_out_of_range": ("date_out_of_range", ""),  # the validator names the range
    "datetime_type": ("bad_datetime", "Thời điểm phải viết dạng ISO 8601."),
    "datetime_parsing": ("bad_datetime", "Thời điểm phải viết dạng ISO 8601."),
    "dict_type": ("bad_object", "Phải là một đối tượng JSON."),
    "model_type": ("bad_object", "Phải là một đối tượng JSON."),
    "model_attributes_type": ("bad_object", "Phải là một đối tượng JSON."),
    "list_type": ("bad_list", "Phải là một danh sách."),
    "json_invalid": ("bad_json", "Không phải JSON hợp lệ."),
    "json_type": ("bad_json", "Không phải JSON hợp lệ."),
    "extra_forbidden": ("unknown_field", "Trường này không có trong mẫu."),
    "value_error": ("invalid", "Giá trị không hợp lệ."),
    "assertion_error": ("invalid", "Giá trị không hợp lệ."),
    "too_short": ("too_short", "Phải có ít nhất {min_length} phần tử."),
    "too_long": ("too_long", "Không được quá {max_length} phần tử."),
    "none_required": ("invalid", "Phải để trống."),
    "url_parsing": ("bad_format", "Không phải địa chỉ hợp lệ."),
    "uuid_parsing": ("bad_format", "Không phải UUID hợp lệ."),
}
FALLBACK = ("invalid", "Giá trị không hợp lệ.")


def _ctx_text(value: Any) -> str:
    return str(value).replace("'", "")


def problem_of(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic/ninja error as a problem: stable code, Vietnamese message, type and loc."""
    kind = str(error.get("type", ""))
    code, template = MESSAGES.get(kind, FALLBACK)
    ctx = {k: _ctx_text(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        message = template.format(**ctx) if template else str(error.get("msg", ""))
    except (KeyError, IndexError):
        message = FALLBACK[1]
    loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
    return {
        "code": code,
        "message": message,
        "field": ".".join(str(p) for p in loc),
        "type": kind,
        "loc": loc,
    }


def error_body(code: str, message: str, problems: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "problems": problems or []}}


# ninja's own refusals (HttpError) in Vietnamese, by status; codes stable.
HTTP_ERRORS = {
    400: ("bad_body", "Nội dung yêu cầu không đọc được (phải là JSON hoặc multipart hợp lệ)."),
    403: ("csrf_failed", "Yêu cầu từ phiên đăng nhập thiếu mã chống giả mạo (CSRF) hợp lệ."),
    404: ("not_found", "Không tìm thấy hoặc bạn không có quyền xem."),
    405: ("method_not_allowed", "Phương thức HTTP này không dùng được ở địa chỉ này."),
}


class StrictParser(Parser):
    """A query parameter given twice is refused, not silently read as its last value."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        # Query strings only: multipart forms may repeat names the operation does not read.
        repeated = (
            [k for k in data if k not in list_fields and len(data.getlist(k)) > 1]
            if data is request.GET
            else []
        )
        if repeated:
            raise NinjaValidationError(
                [{"type": "repeated_parameter", "loc": ("query", k), "msg": ""} for k in repeated]
            )
        return super().parse_querydict(data, list_fields, request)


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
        problems = [problem_of(e) for e in exc.errors]
        body = error_body("invalid_request", "Tham số yêu cầu không hợp lệ.", problems)
        return api.create_response(request, body, status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = HTTP_ERRORS.get(
            exc.status_code, (f"http_{exc.status_code}", "Yêu cầu không được thực hiện.")
        )
        return api.create_response(request, error_body(code, message), status=exc.status_code)
