"""The search box and its filters: they parse the query string and say in Vietnamese what is
wrong."""

from __future__ import annotations

from datetime import date

from django import forms

from hoso.orgs.models import Organization
from hoso.people.models import Sex
from hoso.people.selectors import SearchFilters
from hoso.web.presenters import catalogs

ANY = ("", "Tất cả")


def _choice(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False,
        error_messages={"invalid_choice": f"{label}: giá trị «%(value)s» không có trong danh mục."},
    )


def _age(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=120,
        error_messages={
            "invalid": f"{label} phải là một số nguyên, ví dụ 30.",
            "min_value": f"{label} không thể nhỏ hơn %(limit_value)s.",
            "max_value": f"{label} không thể lớn hơn %(limit_value)s.",
        },
    )


class SearchForm(forms.Form):
    """The search box and filters; field names match the API's `/api/v1/people` parameters."""

    q = forms.CharField(
        label="Tìm hồ sơ", required=False, max_length=200,
        widget=forms.SearchInput(attrs={
            "placeholder": "Họ tên, số định danh, đơn vị, ngạch, chức vụ…",
            "autocomplete": "off", "spellcheck": "false",
        }),
        error_messages={"max_length": "Nội dung tìm kiếm dài quá %(limit_value)d ký tự."},
    )
    unit = forms.ChoiceField(
        label="Đơn vị (gồm cả đơn vị trực thuộc)", required=False,
        error_messages={
            "invalid_choice": "Đơn vị «%(value)s» không có hoặc ngoài phạm vi hồ sơ bạn được xem."
        },
    )
    staff_category = _choice("Đối tượng")
    sex = _choice("Giới tính")
    age_min = _age("Tuổi từ")
    age_max = _age("Tuổi đến")
    ethnicity = _choice("Dân tộc")
    qualification = _choice("Trình độ chuyên môn")
    party_member = forms.TypedChoiceField(
        label="Đảng viên", required=False, empty_value=None,
        choices=[ANY, ("true", "Là đảng viên"), ("false", "Không phải đảng viên")],
        coerce=lambda v: v == "true",
        error_messages={"invalid_choice": "Đảng viên: giá trị «%(value)s» không hợp lệ."},
    )

    FILTERS = ("unit", "staff_category", "sex", "age_min", "age_max", "ethnicity",
               "qualification", "party_member")

    def __init__(self, data, *, units: list[Organization], on: date) -> None:
        super().__init__(data)
        self.units = {u.code: u for u in units}
        self.fields["unit"].choices = [ANY] + [
            (u.code, "\u00a0\u00a0" * (u.depth - units[0].depth) + u.name) for u in units
        ] if units else [ANY]
        for name, catalog in (("staff_category", "staff_category"), ("ethnicity", "ethnicity"),
                              ("qualification", "qualification")):
            self.fields[name].choices = [ANY, *catalogs.catalog_choices(catalog, on)]
        self.fields["sex"].choices = [ANY, *Sex.choices]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(
                f"Tuổi từ ({low}) lớn hơn tuổi đến ({high}); hãy đổi lại khoảng tuổi."
            )
        return data

    def has_filters(self) -> bool:
        return any(self.data.get(name) not in (None, "") for name in self.FILTERS)

    def filters(self) -> SearchFilters:
        d = self.cleaned_data
        return SearchFilters(
            unit=self.units.get(d.get("unit") or ""),
            staff_category=d.get("staff_category") or "",
            sex=d.get("sex") or "",
            age_min=d.get("age_min"),
            age_max=d.get("age_max"),
            ethnicity=d.get("ethnicity") or "",
            qualification=d.get("qualification") or "",
            party_member=d.get("party_member"),
        )

    def messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]
