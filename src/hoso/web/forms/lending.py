"""Forms of the paper dossier loans: lend, take back, extend. They parse (dd/mm/yyyy dates,
the borrower's kind, the parts); what is allowed is `documents.services.lending`'s call, and its
problems are put next to the field they name."""

from __future__ import annotations

from django import forms

from hoso.catalog.selectors import entries
from hoso.web.forms.security import _date, _text
from hoso.web.forms.work import ProblemsMixin

ACCOUNT, EXTERNAL = "account", "external"
WHOLE, PARTS = "whole", "parts"


def part_choices() -> list[tuple[str, str]]:
    """The components of a paper dossier (catalog `component_kind`), in the catalog's order."""
    return [(e.code, e.name) for e in entries("component_kind")]


class LoanOpenForm(ProblemsMixin, forms.Form):
    borrower_kind = forms.ChoiceField(
        label="Người mượn",
        choices=[
            (ACCOUNT, "Cán bộ có tài khoản trong hệ thống"),
            (EXTERNAL, "Người của cơ quan, đơn vị khác"),
        ],
        initial=EXTERNAL,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy chọn loại người mượn.",
            "invalid_choice": "Hãy chọn loại người mượn.",
        },
    )
    borrower_username = _text("Tên đăng nhập của người mượn", max_length=150)
    borrower_name = _text("Họ và tên người mượn", max_length=200)
    borrower_unit = _text("Cơ quan, đơn vị của người mượn", max_length=300)
    purpose = forms.CharField(
        label="Mục đích, lý do mượn",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Hãy nhập mục đích, lý do mượn.",
            "max_length": "Mục đích, lý do mượn dài quá %(limit_value)d ký tự.",
        },
    )
    approver_name = _text("Người phê duyệt (họ tên, chức vụ)", max_length=200, required=True)
    approval_number = _text("Số văn bản phê duyệt", max_length=60, required=True)
    approval_date = _date("Ngày văn bản phê duyệt")
    out_date = _date("Ngày cho mượn")
    due_date = _date("Hạn trả")
    extent = forms.ChoiceField(
        label="Phạm vi cho mượn",
        choices=[(WHOLE, "Toàn bộ hồ sơ giấy"), (PARTS, "Một số thành phần (chọn dưới đây)")],
        initial=WHOLE,
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn phạm vi cho mượn."},
    )
    parts = forms.MultipleChoiceField(
        label="Các thành phần cho mượn",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Thành phần «%(value)s» không có trong danh mục."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parts"].choices = part_choices()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        account = data["borrower_kind"] == ACCOUNT
        return {
            "borrower_username": data["borrower_username"] if account else "",
            "borrower_name": "" if account else data["borrower_name"],
            "borrower_unit": data["borrower_unit"],
            "purpose": data["purpose"],
            "approver_name": data["approver_name"],
            "approval_number": data["approval_number"],
            "approval_date": data["approval_date"],
            "out_date": data["out_date"],
            "due_date": data["due_date"],
            "whole": data["extent"] == WHOLE,
            "parts": data["parts"] if data["extent"] == PARTS else [],
        }

    def clean(self):
        data = super().clean()
        if data.get("borrower_kind") == ACCOUNT and not data.get("borrower_username"):
            self.add_error("borrower_username", "Hãy nhập tên đăng nhập của người mượn.")
        return data


class LoanReturnForm(ProblemsMixin, forms.Form):
    returned_on = _date("Ngày nhận lại")
    condition = forms.CharField(
        label="Tình trạng hồ sơ khi nhận lại",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Đủ thành phần, nguyên vẹn; hoặc thiếu, hư hỏng tài liệu nào.",
        error_messages={
            "required": "Hãy ghi tình trạng hồ sơ khi nhận lại.",
            "max_length": "Tình trạng khi trả dài quá %(limit_value)d ký tự.",
        },
    )


class LoanExtendForm(ProblemsMixin, forms.Form):
    due_date = _date("Hạn trả mới")
    reason = _text("Lý do gia hạn", max_length=500, required=True)


class LoanFilterForm(forms.Form):
    don_vi = forms.ChoiceField(label="Đơn vị", required=False)

    def __init__(self, *args, units: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [("", "Tất cả đơn vị được giao")] + units
