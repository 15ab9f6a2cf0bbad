"""Logging in (password, then a one-time code), and out.

1. The password step (`PasswordLoginForm`, with the lockout) signs the session in, but not
   yet verified: every page sends it to step 2 (`hoso.web.mfa`). An account without a
   confirmed TOTP device stops here with a message to ask the administrator.
2. The code step verifies the 6-digit code against the account's device
   (`django_otp.verify_token`: the device row locked, a code used once, repeated failures
   slowed down). Failures count toward the throttle of the address and, the password being
   right, toward the lock of the account (`access.services.login_failed`). Only then is the
   session verified (`django_otp.login`), its limits started (`session_start`), the login
   recorded, and the browser sent on.
Step 2 must follow step 1 within `OTP_STEP_SECONDS`, or the session ends.
"""

from __future__ import annotations

import time

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from hoso.access import recorder, throttle
from hoso.access import services as access_services
from hoso.access.mfa import confirmed_device, is_verified
from hoso.access.sessions import session_start
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.web.forms.accounts import LOGIN_REFUSED, NOT_ENROLLED, OtpForm, PasswordLoginForm
from hoso.web.mfa import otp_url
from hoso.web.presenters import self_home

STEP1_AT = "hoso_step1_at"  # when the password step passed (Unix time)
OTP_STEP_SECONDS = 300
OTP_EXPIRED = "Đã quá 5 phút kể từ khi nhập mật khẩu mà chưa nhập mã xác thực; hãy đăng nhập lại."
OTP_WRONG = (
    "Mã xác thực không đúng, đã dùng rồi hoặc đã hết hạn. Hãy nhập mã đang hiện trên ứng dụng "
    "xác thực (mã đổi sau mỗi 30 giây)."
)
OTP_WAIT = "Vừa nhập sai mã: hãy chờ vài giây rồi nhập mã mới đang hiện trên ứng dụng xác thực."


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """The page asked for, if it is on this node; else the user's start page (the root, where
    a bare visit is sent from, counts as no request: an employee starts at their home)."""
    if (
        candidate
        and candidate != reverse("web:search")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return self_home.landing_url(request)


class LoginView(auth_views.LoginView):
    template_name = "hoso/login.html"
    authentication_form = PasswordLoginForm

    def get_default_redirect_url(self) -> str:
        return self_home.landing_url(self.request)

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            if is_verified(request.user):
                return HttpResponseRedirect(self.get_success_url())
            return HttpResponseRedirect(otp_url(self.get_redirect_url()))
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form: PasswordLoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        block = getattr(form, "throttle_block", None)
        if block is not None:  # too many failures from here: 429 and when to come back
            response.status_code = 429
            response["Retry-After"] = str(block.seconds)
        return response

    def form_valid(self, form: PasswordLoginForm) -> HttpResponse:
        user = form.get_user()
        if confirmed_device(user) is None:
            access_services.login_failed(
                username=user.get_username(), reason="not_enrolled", counts=False
            )
            form.add_error(None, NOT_ENROLLED)
            return self.form_invalid(form)
        auth_login(self.request, user)  # a new session key; the second factor is still due
        self.request.session[STEP1_AT] = int(time.time())
        return HttpResponseRedirect(otp_url(self.get_redirect_url()))


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    auth_logout(request)
    messages.error(request, message)
    return redirect("web:login")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not user.is_authenticated:
        return redirect("web:login")
    if is_verified(user):
        return HttpResponseRedirect(next_url)
    started = int(request.session.get(STEP1_AT, 0))
    if time.time() - started > OTP_STEP_SECONDS:
        return _back_to_login(request, OTP_EXPIRED)
    device = confirmed_device(user)
    if device is None:
        return _back_to_login(request, NOT_ENROLLED)
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if access_services.is_locked(user):
            access_services.login_failed(
                username=user.get_username(), step="otp", reason="locked", counts=False
            )
            return _back_to_login(request, LOGIN_REFUSED)
        block = throttle.blocked(request.META.get("REMOTE_ADDR", ""), user.get_username())
        if block is not None:
            access_services.login_failed(
                username=user.get_username(), step="otp", reason="throttled", counts=False
            )
            return _back_to_login(request, block.message)
        throttled = not device.verify_is_allowed()[0]
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"])
        if verified is not None:
            django_otp.login(request, verified)
            request.session.cycle_key()  # the session is now worth more: give it a new key
            session_start(request)  # idle and lifetime limits count from here
            access_services.login_succeeded(user=user)
            request.session.pop(STEP1_AT, None)
            return HttpResponseRedirect(next_url)
        account = access_services.login_failed(
            username=user.get_username(),
            step="otp",
            reason="otp_throttled" if throttled else "otp_invalid",
        )
        if account is not None and access_services.is_locked(account):
            return _back_to_login(request, LOGIN_REFUSED)
        block = throttle.blocked(request.META.get("REMOTE_ADDR", ""), user.get_username())
        if block is not None:
            return _back_to_login(request, block.message)
        form.add_error("code", OTP_WAIT if throttled else OTP_WRONG)
    context = {
        "form": form,
        "next": next_url,
        "account_name": user.get_username(),
        # The header and menu are for verified sessions: hide them on this step.
        "user": AnonymousUser(),
    }
    status = 400 if form.errors else 200
    return render(request, "hoso/accounts/otp.html", context, status=status)


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            with transaction.atomic():
                recorder.record(
                    user=user,
                    action=AuditAction.LOGOUT,
                    outcome=AuditOutcome.OK,
                    detail={"verified": is_verified(user)},
                )
        return super().post(request, *args, **kwargs)


login = LoginView.as_view()
logout = LogoutView.as_view()
