"""Account administration, for the system administrator only (`policies.can_manage_accounts`).

The administrator manages accounts and duties and reads no dossier: these pages show account
data (name, state, duties with units and dates, second factor) and nothing of anyone's
dossier. Any other account gets the same 404 as for a page that does not exist. Every change
goes through an `access.services` function, which checks the administrator again and
records the change in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hoso.access import selectors as access_selectors
from hoso.access import services as access_services
from hoso.access.models import User
from hoso.core.dates import today
from hoso.core.errors import DomainError
from hoso.orgs import selectors as org_selectors
from hoso.web.forms.accounts import (
    AccountCreateForm,
    AccountSearchForm,
    ConfirmForm,
    DutyAssignForm,
    DutyEndForm,
    PasswordResetForm,
)
from hoso.web.presenters import session
from hoso.web.views.common import filled, not_found

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    """Signed in, and holding the administrator's duty today; anyone else gets the 404 page."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not session.manages_accounts(request):
            return not_found(request)
        return view(request, *args, **kwargs)

    return wrapped


def _apply(form: Any, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Put a service's problems on the form, each on its field when the form has it."""
    fields = fields or {}
    for problem in error.problems or []:
        name = fields.get(problem.field, problem.field)
        form.add_error(name if name in form.fields else None, problem.message)
    if not error.problems:
        form.add_error(None, error.message)


def _duty_rows(account: User, on: Any) -> list[dict[str, Any]]:
    rows = []
    for duty in account.role_assignments.all():
        current = duty.valid_from <= on and (duty.valid_to is None or duty.valid_to >= on)
        ended = duty.valid_to is not None and duty.valid_to < on
        rows.append(
            {"duty": duty, "current": current, "ended": ended, "upcoming": not (current or ended)}
        )
    return rows


def _organizations() -> list[Any]:
    return list(org_selectors.org_list(on=today()))


@admin_only
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountSearchForm(request.GET)
    accounts = access_selectors.accounts(form.cleaned_data["q"] if form.is_valid() else "")
    page = Paginator(accounts, settings.HOSO_PAGE_SIZE).get_page(request.GET.get("page"))
    on = today()
    now = timezone.now()
    rows = [
        {
            "account": account,
            "locked": account.locked_until is not None and account.locked_until > now,
            "duties": _duty_rows(account, on),
        }
        for account in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": filled(request.GET),
        "target": "#danh-sach-tai-khoan",
    }
    return render(request, "hoso/accounts/list.html", context)


@sensitive_post_parameters("password1", "password2")
@admin_only
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = access_services.user_create(
                acting_user=request.user,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
            )
        except DomainError as error:
            _apply(form, error, {"password": "password1"})
        else:
            messages.success(
                request,
                f"Đã tạo tài khoản «{account.username}». Tiếp theo: giao nhiệm vụ và đăng ký mã "
                "xác thực (OTP) để tài khoản đăng nhập được.",
            )
            return redirect("web:account", username=account.username)
    status = 400 if form.errors else 200
    return render(request, "hoso/accounts/create.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    account: User,
    *,
    duty_form: DutyAssignForm | None = None,
    end_forms: dict[int, DutyEndForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    on = today()
    rows = _duty_rows(account, on)
    end_forms = end_forms or {}
    for row in rows:
        if row["duty"].pk in end_forms:
            row["end_form"] = end_forms[row["duty"].pk]
        elif row["duty"].valid_to is None or row["duty"].valid_to >= on:
            row["end_form"] = DutyEndForm(
                prefix=f"ket-thuc-{row['duty'].pk}", initial_end=max(on, row["duty"].valid_from)
            )
    context = {
        "account": account,
        "rows": rows,
        "locked": access_services.is_locked(account),
        "is_self": account.pk == request.user.pk,
        "duty_form": duty_form
        or DutyAssignForm(organizations=_organizations(), initial={"valid_from": on}),
    }
    return render(request, "hoso/accounts/detail.html", context, status=status)


@admin_only
def account_detail(request: HttpRequest, username: str) -> HttpResponse:
    account = access_selectors.account_get(username)
    if account is None:
        return not_found(request, what="tài khoản")
    return _detail(request, account)


@admin_only
@require_POST
def duty_assign(request: HttpRequest, username: str) -> HttpResponse:
    account = access_selectors.account_get(username)
    if account is None:
        return not_found(request, what="tài khoản")
    form = DutyAssignForm(request.POST, organizations=_organizations())
    if form.is_valid():
        data = form.cleaned_data
        try:
            access_services.role_assign(
                acting_user=request.user,
                user=account,
                role=data["role"],
                organization=form.chosen_organization(),
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                decision_ref=data["decision_ref"],
            )
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                "Đã giao nhiệm vụ. Các phiên đăng nhập đang mở của tài khoản đã kết thúc; "
                "nhiệm vụ mới có hiệu lực từ lần đăng nhập sau.",
            )
            return redirect("web:account", username=account.username)
    return _detail(request, account, duty_form=form, status=400)


@admin_only
@require_POST
def duty_end(request: HttpRequest, username: str, duty_id: int) -> HttpResponse:
    account = access_selectors.account_get(username)
    duty = access_selectors.account_duty(account, duty_id) if account is not None else None
    if account is None or duty is None:
        return not_found(request, what="nhiệm vụ")
    form = DutyEndForm(request.POST, prefix=f"ket-thuc-{duty.pk}", initial_end=today())
    if form.is_valid():
        try:
            access_services.role_end(
                acting_user=request.user,
                assignment=duty,
                valid_to=form.cleaned_data["valid_to"],
                decision_ref=form.cleaned_data["decision_ref"],
            )
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                "Đã kết thúc nhiệm vụ. Các phiên đăng nhập đang mở của tài khoản đã kết thúc.",
            )
            return redirect("web:account", username=account.username)
    return _detail(request, account, end_forms={duty.pk: form}, status=400)


@sensitive_post_parameters("password1", "password2")
@admin_only
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, username: str) -> HttpResponse:
    account = access_selectors.account_get(username)
    if account is None:
        return not_found(request, what="tài khoản")
    form = PasswordResetForm(request.POST if request.method == "POST" else None, user=account)
    if request.method == "POST" and form.is_valid():
        try:
            access_services.password_reset(
                acting_user=request.user, user=account, new_password=form.cleaned_data["password1"]
            )
        except DomainError as error:
            _apply(form, error, {"password": "password1"})
        else:
            messages.success(
                request,
                "Đã đặt lại mật khẩu; mọi phiên đăng nhập của tài khoản đã kết thúc. Hãy trao "
                "mật khẩu mới trực tiếp cho người dùng, không gửi qua thư điện tử hay tin nhắn.",
            )
            return redirect("web:account", username=account.username)
    status = 400 if form.errors else 200
    context = {"form": form, "account": account}
    return render(request, "hoso/accounts/password.html", context, status=status)


@admin_only
@require_http_methods(["GET", "POST"])
def account_disable(request: HttpRequest, username: str) -> HttpResponse:
    account = access_selectors.account_get(username)
    if account is None:
        return not_found(request, what="tài khoản")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access_services.account_disable(acting_user=request.user, user=account)
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                "Đã khóa tài khoản: mọi phiên đăng nhập và mã truy cập API của tài khoản đã "
                "hết hiệu lực.",
            )
            return redirect("web:account", username=account.username)
    status = 400 if form.errors else 200
    context = {"form": form, "account": account}
    return render(request, "hoso/accounts/disable.html", context, status=status)


@admin_only
@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest, username: str) -> HttpResponse:
    account = access_selectors.account_get(username)
    if account is None:
        return not_found(request, what="tài khoản")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _device, uri, secret = access_services.totp_enrol(
                acting_user=request.user, user=account
            )
        except DomainError as error:
            _apply(form, error)
        else:
            # Shown in this response only: never stored in the session, never sent again.
            context = {"account": account, "uri": uri, "secret": _grouped(secret)}
            return render(request, "hoso/accounts/totp_done.html", context)
    status = 400 if form.errors else 200
    context = {"form": form, "account": account}
    return render(request, "hoso/accounts/totp.html", context, status=status)


def _grouped(secret: str) -> str:
    """ABCD EFGH …: easier to read aloud and to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
