"""Forms of the security pages: written approvals, revocation, the audit trail, alerts.

They parse and say in Vietnamese what is malformed; what is allowed is the services' call
(`access.services.grant_issue` judges a grant), and their problems are put next to the fields.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from hoso.access import selectors as access_selectors
from hoso.access.approvals import level_choices
from hoso.access.models import PurposeKind, Sensitivity
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.core.errors import ValidationFailed
from hoso.orgs import selectors as org_selectors
from hoso.orgs.models import Organization
from hoso.people.models import SecretLabel
from hoso.people.sections import SECTIONS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ANY = ("", "Tất cả")
_IDS = re.compile(r"[\s,;]+")


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={
            "required": f"Hãy nhập {label.lower()} (dd/mm/yyyy).",
            "invalid": f"{label}: hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/12/2026.",
        },
    )


def _text(label: str, *, max_length: int, required: bool = False, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
        error_messages={
            "required": f"Hãy nhập {label.lower()}.",
            "max_length": f"{label} dài quá %(limit_value)d ký tự.",
        },
    )


class _UnitChoice(forms.ChoiceField):
    """A select of the manager's units that lets any code through to `clean_organization`:
    whether a unit lies inside the duty is `grant_issue`'s call, with its own message."""

    def valid_value(self, value: str) -> bool:
        return True


class GrantForm(forms.Form):
    """A written approval as it is read off the signed document.

    Number, signer and purpose are left optional here so that `grant_issue` gives its own
    message for a missing document; the dates must parse before the service can judge them.
    """

    grantee = _text(
        "Tên đăng nhập của người được cấp quyền",
        max_length=150,
        required=True,
        spellcheck="false",
        autocapitalize="none",
    )
    person_ids = forms.CharField(
        label="Số định danh cá nhân của người có hồ sơ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Mỗi số 12 chữ số, cách nhau bằng dấu phẩy, khoảng trắng hoặc xuống dòng.",
    )
    organization = _UnitChoice(
        label="Hoặc cả một đơn vị (gồm các đơn vị trực thuộc)", required=False
    )
    sections = forms.MultipleChoiceField(
        label="Các mục được xem",
        required=False,
        choices=[(s.key, s.title) for s in SECTIONS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Không chọn mục nào: được xem mọi mục, đến mức phân loại tối đa.",
        error_messages={"invalid_choice": "Mục «%(value)s» không có trong hồ sơ."},
    )
    ceiling = forms.ChoiceField(
        label="Mức phân loại tối đa được xem",
        choices=Sensitivity.choices,
        initial=Sensitivity.PERSONAL,
        error_messages={
            "required": "Hãy chọn mức phân loại tối đa.",
            "invalid_choice": "Mức phân loại «%(value)s» không có.",
        },
    )
    secret_ceiling = forms.ChoiceField(
        label="Độ mật tối đa",
        required=False,
        choices=[("", "Không gồm hồ sơ có độ mật")]
        + [(v, label) for v, label in SecretLabel.choices if v],
        error_messages={"invalid_choice": "Độ mật «%(value)s» không có."},
    )
    covers_special = forms.BooleanField(
        label="Gồm hồ sơ diện Ban Thường vụ Tỉnh ủy quản lý", required=False
    )
    approval_level = forms.ChoiceField(
        label="Cấp phê duyệt (bắt buộc khi có độ mật hoặc diện Ban Thường vụ)",
        required=False,
        choices=[],  # from catalog `approval_level`, in __init__
        error_messages={"invalid_choice": "Cấp phê duyệt «%(value)s» không có trong danh mục."},
    )
    purpose_kind = forms.ChoiceField(
        label="Loại mục đích",
        choices=PurposeKind.choices,
        initial=PurposeKind.CADRE_WORK,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy chọn loại mục đích.",
            "invalid_choice": "Loại mục đích «%(value)s» không có.",
        },
    )
    purpose = _text("Mục đích khai thác", max_length=300)
    document_number = _text("Số văn bản phê duyệt", max_length=64, spellcheck="false")
    document_date = _date("Ngày văn bản")
    signer = _text("Người ký", max_length=120)
    valid_from = _date("Hiệu lực từ ngày")
    valid_to = _date("Hiệu lực đến hết ngày")
    allow_export = forms.BooleanField(label="Được phép xuất, in hồ sơ", required=False)

    def __init__(self, *args, units: list[Organization], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the units of the manager's duty are offered.
        base = units[0].depth if units else 0
        self.fields["organization"].choices = [("", "— Không chọn đơn vị —")] + [
            (u.code, "\u00a0\u00a0" * (u.depth - base) + u.name) for u in units
        ]
        self.fields["approval_level"].choices = [
            ("", "— Không cần (hồ sơ không có độ mật, không thuộc diện) —")
        ] + level_choices()

    def clean_grantee(self) -> object:
        username = self.cleaned_data["grantee"].strip()
        account = access_selectors.user_get(username)
        if account is None or not account.is_active:
            raise forms.ValidationError(
                f"Không có tài khoản đang hoạt động tên «{username}».", code="unknown_user"
            )
        return account

    def clean_person_ids(self) -> list[str]:
        ids = [t for t in _IDS.split(self.cleaned_data["person_ids"]) if t]
        bad = [t for t in ids if not (len(t) == 12 and t.isdigit())]
        if bad:
            raise forms.ValidationError(
                "Không phải số định danh cá nhân (12 chữ số): " + ", ".join(f"«{t}»" for t in bad)
            )
        return list(dict.fromkeys(ids))  # in the order typed, without repeats

    def clean_organization(self) -> Organization | None:
        code = self.cleaned_data["organization"]
        if not code:
            return None
        org = org_selectors.org_get(code)
        if org is None:
            raise forms.ValidationError(f"Không có đơn vị mã «{code}».")
        return org

    def add_problems(self, error: ValidationFailed) -> None:
        """Put each of the service's problems next to its field (or above the form)."""
        for problem in error.problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, problem.message)

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "grantee": d["grantee"],
            "person_ids": d["person_ids"],
            "organization": d["organization"],
            "sections": d["sections"],
            "ceiling": d["ceiling"],
            "secret_ceiling": d["secret_ceiling"],
            "covers_special": d["covers_special"],
            "approval_level": d["approval_level"],
            "purpose_kind": d["purpose_kind"],
            "purpose": d["purpose"],
            "document_number": d["document_number"],
            "document_date": d["document_date"],
            "signer": d["signer"],
            "valid_from": d["valid_from"],
            "valid_to": d["valid_to"],
            "allow_export": d["allow_export"],
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Lý do thu hồi",
        required=False,  # `grant_revoke` says so itself
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": "Lý do thu hồi dài quá %(limit_value)d ký tự."},
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Đã kiểm tra, xử lý thế nào",
        required=False,  # `alert_acknowledge` says so itself
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": "Ghi chú dài quá %(limit_value)d ký tự."},
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit trail; field names are the query-string parameters."""

    hanh_dong = forms.ChoiceField(
        label="Hành động",
        required=False,
        choices=[ANY, *AuditAction.choices],
        error_messages={"invalid_choice": "Hành động «%(value)s» không có."},
    )
    ket_qua = forms.ChoiceField(
        label="Kết quả",
        required=False,
        choices=[ANY, *AuditOutcome.choices],
        error_messages={"invalid_choice": "Kết quả «%(value)s» không có."},
    )
    tai_khoan = _text("Tài khoản", max_length=150, spellcheck="false", autocapitalize="none")
    so_dinh_danh = _text("Số định danh", max_length=12, spellcheck="false", inputmode="numeric")
    tu_ngay = _date("Từ ngày", required=False)
    den_ngay = _date("Đến hết ngày", required=False)

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("tu_ngay"), data.get("den_ngay")
        if since and until and since > until:
            raise forms.ValidationError(
                f"Từ ngày ({since:%d/%m/%Y}) sau đến ngày ({until:%d/%m/%Y}); hãy đổi lại."
            )
        return data

    def has_filters(self) -> bool:
        return any(self.data.get(name) not in (None, "") for name in self.fields)

    def filters(self) -> dict:
        """Keyword arguments of `audit.selectors.event_list`; dates are whole local days."""
        d = self.cleaned_data
        out: dict = {}
        if d.get("hanh_dong"):
            out["actions"] = [d["hanh_dong"]]
        if d.get("ket_qua"):
            out["outcomes"] = [d["ket_qua"]]
        if d.get("tai_khoan"):
            out["username"] = d["tai_khoan"].strip()
        if d.get("so_dinh_danh"):
            out["personal_id"] = d["so_dinh_danh"].strip()
        if d.get("tu_ngay"):
            out["since"] = _local_midnight(d["tu_ngay"])
        if d.get("den_ngay"):
            out["until"] = _local_midnight(d["den_ngay"] + dt.timedelta(days=1))
        return out

    def described(self) -> dict[str, str]:
        """The filters as typed, for the export's header and its audit event."""
        return {
            self.fields[name].label: str(self.data.get(name))
            for name in self.fields
            if self.data.get(name) not in (None, "")
        }

    def messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
