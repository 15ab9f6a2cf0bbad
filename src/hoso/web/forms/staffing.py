"""Forms of the staffing pages: a quota and its document, a job position and its versions.

They parse (numbers, dd/mm/yyyy dates, catalog pickers) and say in Vietnamese what is
malformed; what is allowed (a quota below the people at work, a duplicate code, a reversed
period, an unknown catalog value) is `hoso.staffing.services`' call, whose problems are put
next to the fields.
"""

from __future__ import annotations

from django import forms

from hoso.catalog.selectors import entries
from hoso.core.errors import ValidationFailed
from hoso.staffing.services import PositionSpec, competencies_of, year_range

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


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


class _AnyChoice(forms.ChoiceField):
    """A catalog select that lets an unknown code through to the service, whose message names
    it ("… không có trong danh mục")."""

    def valid_value(self, value: str) -> bool:
        return True


def _catalog(catalog: str, label: str, *, required: bool, empty: str = "") -> _AnyChoice:
    field = _AnyChoice(
        label=label,
        required=required,
        error_messages={"required": f"Hãy chọn {label.lower()}."},
    )
    field.catalog = catalog  # type: ignore[attr-defined]
    field.empty_label = empty  # type: ignore[attr-defined]
    return field


def _fill_catalogs(form: forms.Form) -> None:
    for field in form.fields.values():
        catalog = getattr(field, "catalog", None)
        if catalog:
            empty = getattr(field, "empty_label", "") or "— Chọn —"
            field.choices = [("", empty)] + [
                (e.code, f"{e.name} ({e.code})" if catalog == "rank" else e.name)
                for e in entries(catalog)
            ]


class _ServiceForm(forms.Form):
    def add_problems(self, error: ValidationFailed) -> None:
        """Put each of the service's problems next to its field (or above the form)."""
        for problem in error.problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, problem.message)


class QuotaForm(_ServiceForm):
    year = forms.IntegerField(
        label="Năm",
        error_messages={
            "required": "Hãy nhập năm giao biên chế.",
            "invalid": "Năm phải là một số, ví dụ 2026.",
        },
    )
    staff_category = _catalog("staff_category", "Đối tượng", required=True)
    quota = forms.IntegerField(
        label="Chỉ tiêu biên chế (người)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Hãy nhập chỉ tiêu biên chế.",
            "invalid": "Chỉ tiêu biên chế phải là một số nguyên, ví dụ 25.",
        },
    )
    document_number = _text("Số văn bản giao biên chế", max_length=64, spellcheck="false")
    document_date = _date("Ngày văn bản", required=False)
    document_issuer = _text("Cơ quan, người ban hành", max_length=200)
    note = forms.CharField(
        label="Ghi chú (lý do điều chỉnh)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Ghi chú dài quá %(limit_value)d ký tự."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _fill_catalogs(self)
        first, last = year_range()
        self.fields["year"].help_text = f"Từ {first} đến {last}."

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "year": d["year"],
            "staff_category": d["staff_category"],
            "quota": d["quota"],
            "document_number": d["document_number"],
            "document_date": d["document_date"],
            "document_issuer": d["document_issuer"],
            "note": d["note"],
        }


class JobPositionForm(_ServiceForm):
    """A job position's description; `with_code` for a new one (a change keeps the code)."""

    code = _text("Mã vị trí việc làm", max_length=32, required=True, spellcheck="false")
    name = _text("Tên vị trí việc làm", max_length=300)
    description = forms.CharField(
        label="Mô tả công việc",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Mô tả dài quá %(limit_value)d ký tự."},
    )
    staff_category = _catalog("staff_category", "Đối tượng", required=True)
    qualification_code = _catalog(
        "qualification", "Trình độ đào tạo tối thiểu", required=False, empty="— Không yêu cầu —"
    )
    rank_code = _catalog(
        "rank", "Ngạch, chức danh nghề nghiệp", required=False, empty="— Không yêu cầu —"
    )
    competencies = forms.CharField(
        label="Năng lực, kỹ năng cần có",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi năng lực một dòng.",
        error_messages={"max_length": "Phần năng lực dài quá %(limit_value)d ký tự."},
    )
    headcount = forms.IntegerField(
        label="Số người làm việc ở vị trí",
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Hãy nhập số người làm việc ở vị trí.",
            "invalid": "Số người phải là một số nguyên, ví dụ 2.",
        },
    )
    legal_basis = _text("Căn cứ (văn bản phê duyệt đề án vị trí việc làm)", max_length=1000)
    valid_from = _date("Áp dụng từ ngày", required=False)
    valid_to = _date("Ngày cuối còn hiệu lực (nếu có)", required=False)

    def __init__(self, *args, with_code: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _fill_catalogs(self)
        if not with_code:
            del self.fields["code"]
            del self.fields["valid_to"]  # a change is open-ended; ending has its own form

    def spec(self) -> PositionSpec:
        d = self.cleaned_data
        return PositionSpec(
            name=d["name"],
            staff_category=d["staff_category"],
            description=d["description"],
            qualification_code=d["qualification_code"],
            rank_code=d["rank_code"],
            competencies=competencies_of(d["competencies"]),
            headcount=d["headcount"],
            legal_basis=d["legal_basis"],
        )


class JobPositionEndForm(_ServiceForm):
    valid_to = _date("Ngày cuối còn hiệu lực", required=False)
    legal_basis = _text("Văn bản quyết định kết thúc", max_length=1000)
