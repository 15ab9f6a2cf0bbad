"""Forms of the login steps and of the account administration pages.

Each form declares exactly the fields it accepts and views hand services only its
`cleaned_data`: a POST carrying anything else (`is_superuser`, `personal_id`, …) changes
nothing (no mass assignment). Messages are Vietnamese and say what to do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from hoso.access import selectors as access_selectors
from hoso.access import services as access_services
from hoso.access import throttle
from hoso.access.models import Role
from hoso.orgs.models import Organization

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# One message for every refused password step: an unknown name, a wrong password, a disabled
# or a locked account all read the same, so the page never tells whether an account exists
# (R-PROHIBITED) nor, during a lock, whether a guess was right.
LOGIN_REFUSED = (
    "Tên đăng nhập hoặc mật khẩu không đúng. Nếu đã nhập sai nhiều lần, tài khoản bị tạm khóa "
    "trong ít phút: hãy chờ rồi thử lại, hoặc liên hệ quản trị hệ thống."
)
NOT_ENROLLED = (
    "Tài khoản của bạn chưa được đăng ký mã xác thực (OTP) nên chưa đăng nhập được. Hãy đề nghị "
    "quản trị hệ thống đăng ký mã xác thực cho tài khoản, rồi cài khóa nhận được vào ứng dụng "
    "xác thực trên điện thoại."
)


def _required(field: forms.Field, message: str) -> forms.Field:
    field.error_messages["required"] = message
    return field


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        error_messages={
            "required": f"Hãy nhập {label.lower()} (dd/mm/yyyy).",
            "invalid": f"{label}: hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/07/2025.",
        },
    )


# --- logging in ------------------------------------------------------------------------------


class PasswordLoginForm(AuthenticationForm):
    """The first step: name and password, with the throttle of `access.throttle` and the
    account lock of `access.services`.

    A throttled address, or name from that address, is refused before the password is
    checked, with how long to wait (the same for a name that exists and one that does not).
    The password is checked even for a locked account (same work, same message, same time);
    every refusal is recorded by `login_failed` with the name typed, never the password.
    """

    error_messages = {"invalid_login": LOGIN_REFUSED, "inactive": LOGIN_REFUSED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        for field in self.fields.values():
            field.error_messages["required"] = f"Hãy nhập {str(field.label).lower()}."

    throttle_block: throttle.Block | None = None

    def _throttled(self, username: str) -> None:
        block = throttle.blocked(self.request.META.get("REMOTE_ADDR", ""), username)
        if block is not None:
            self.throttle_block = block
            raise ValidationError(block.message, code="throttled")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        # A throttled address (or name from it) is refused before the password is checked.
        if throttle.blocked(self.request.META.get("REMOTE_ADDR", ""), username) is not None:
            access_services.login_failed(username=username, reason="throttled", counts=False)
            self._throttled(username)
        account = access_selectors.user_get(username)
        locked = account is not None and access_services.is_locked(account)
        user = authenticate(self.request, username=username, password=password)
        if locked:
            access_services.login_failed(username=username, reason="locked", counts=False)
        elif user is None or not user.is_active:
            access_services.login_failed(username=username)
            self._throttled(username)  # this failure may have started a block: say so
        if locked or user is None or not user.is_active:
            raise ValidationError(LOGIN_REFUSED, code="invalid_login")
        self.user_cache = user
        return self.cleaned_data


class OtpForm(forms.Form):
    """The second step: the 6-digit code the authenticator app shows now."""

    code = forms.CharField(
        label="Mã xác thực (OTP)",
        max_length=12,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]{6,7}",
                "maxlength": "7",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Hãy nhập mã xác thực gồm 6 chữ số."},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError("Mã xác thực gồm đúng 6 chữ số, ví dụ 123456.", code="malformed")
        return code


# --- account administration ------------------------------------------------------------------


class AccountSearchForm(forms.Form):
    q = forms.CharField(
        label="Tìm tài khoản",
        required=False,
        max_length=150,
        widget=forms.SearchInput(
            attrs={"placeholder": "Tên đăng nhập hoặc họ tên", "autocomplete": "off"}
        ),
        error_messages={"max_length": "Nội dung tìm dài quá %(limit_value)d ký tự."},
    )


class _NewPasswordMixin(forms.Form):
    password1 = _required(
        forms.CharField(
            label="Mật khẩu",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text="Ít nhất 12 ký tự, không phải mật khẩu phổ biến.",
        ),
        "Hãy nhập mật khẩu.",
    )
    password2 = _required(
        forms.CharField(
            label="Nhập lại mật khẩu",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        "Hãy nhập lại mật khẩu.",
    )
    password_user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second is not None and first != second:
            self.add_error("password2", "Hai lần nhập mật khẩu không khớp.")
        weak = access_services.password_messages(first, self.password_user) if first else []
        for message in weak:
            self.add_error("password1", message)
        return data


class AccountCreateForm(_NewPasswordMixin):
    """A new account: no dossier link (`personal_id`) and no flag can be set from here."""

    field_order = ["username", "full_name", "password1", "password2"]

    username = _required(
        forms.CharField(
            label="Tên đăng nhập",
            max_length=150,
            help_text="Chữ, số và các ký tự @ . + - _ ; không có dấu cách.",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            error_messages={"max_length": "Tên đăng nhập dài quá %(limit_value)d ký tự."},
        ),
        "Hãy nhập tên đăng nhập.",
    )
    full_name = _required(
        forms.CharField(
            label="Họ và tên, chức danh",
            max_length=200,
            error_messages={"max_length": "Họ và tên dài quá %(limit_value)d ký tự."},
        ),
        "Hãy nhập họ và tên người dùng tài khoản.",
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            raise ValidationError(
                "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách).",
                code="invalid",
            ) from exc
        return username


class PasswordResetForm(_NewPasswordMixin):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.password_user = user
        self.fields["password1"].label = "Mật khẩu mới"
        self.fields["password2"].label = "Nhập lại mật khẩu mới"


def _org_label(org: Organization) -> str:
    return "\u00a0\u00a0" * org.depth + f"{org.name} ({org.code})"


class DutyAssignForm(forms.Form):
    role = forms.ChoiceField(
        label="Vai trò",
        choices=[("", "— Chọn vai trò —"), *Role.choices],
        error_messages={
            "required": "Hãy chọn vai trò.",
            "invalid_choice": "Vai trò «%(value)s» không có.",
        },
    )
    organization = forms.ChoiceField(
        label="Cơ quan, đơn vị (gồm cả đơn vị trực thuộc)",
        required=False,
        help_text=(
            "Bắt buộc, trừ vai trò quản trị hệ thống, vận hành Cơ sở dữ liệu quốc gia và "
            "người có hồ sơ."
        ),
        error_messages={"invalid_choice": "Đơn vị «%(value)s» không có."},
    )
    valid_from = _date("Từ ngày")
    valid_to = _date("Đến ngày", required=False, help_text="Để trống nếu chưa có hạn.")
    decision_ref = _required(
        forms.CharField(
            label="Văn bản giao nhiệm vụ",
            max_length=200,
            help_text="Số, ngày, người ký; ví dụ Quyết định số 12/QĐ-SNV ngày 01/07/2025.",
            error_messages={"max_length": "Văn bản giao nhiệm vụ dài quá %(limit_value)d ký tự."},
        ),
        "Hãy ghi văn bản giao nhiệm vụ.",
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {org.code: org for org in organizations}
        self.fields["organization"].choices = [("", "— Không gắn đơn vị —")] + [
            (org.code, _org_label(org)) for org in organizations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Ngày kết thúc trước ngày bắt đầu.")
        return data

    def chosen_organization(self) -> Organization | None:
        return self.organizations.get(self.cleaned_data.get("organization") or "")


class DutyEndForm(forms.Form):
    valid_to = _date("Ngày cuối cùng của nhiệm vụ")
    decision_ref = _required(
        forms.CharField(
            label="Văn bản kết thúc nhiệm vụ",
            max_length=200,
            error_messages={
                "max_length": "Văn bản kết thúc nhiệm vụ dài quá %(limit_value)d ký tự."
            },
        ),
        "Hãy ghi văn bản kết thúc nhiệm vụ.",
    )

    def __init__(self, *args: Any, prefix: str | None = None, initial_end: date, **kw: Any):
        super().__init__(*args, prefix=prefix, initial={"valid_to": initial_end}, **kw)


class ConfirmForm(forms.Form):
    """A deliberate yes for an action that cannot be undone from the page."""

    confirm = forms.BooleanField(
        label="Tôi xác nhận thực hiện thao tác này",
        error_messages={"required": "Hãy đánh dấu xác nhận trước khi thực hiện."},
    )
