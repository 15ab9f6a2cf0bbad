"""Forms of the work pages. They parse; the services decide (and their refusals are put next
to the field they name)."""

from __future__ import annotations

from django import forms

from hoso.access.policies import DossierAccess
from hoso.core.errors import ValidationFailed
from hoso.people.sections import BY_KEY, SECTIONS, field_label

TEXT_MAX = 2000


class ProblemsMixin:
    def add_problems(self, error: ValidationFailed) -> None:
        for problem in error.problems:
            field = problem.field if problem.field in self.fields else None  # type: ignore[attr-defined]
            self.add_error(field, problem.message)  # type: ignore[attr-defined]


class DiscrepancyReportForm(ProblemsMixin, forms.Form):
    sections = forms.MultipleChoiceField(
        label="Mục bị sai lệch",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    field = forms.ChoiceField(label="Trường cụ thể (nếu biết)", required=False)
    paper_says = forms.CharField(
        label="Nội dung theo hồ sơ giấy",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.CharField(
        label="Căn cứ, vị trí trong hồ sơ giấy",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, access: DossierAccess, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only what this user may see can be named (a hidden field's label says nothing new,
        # but a report about it would be a guess).
        self.fields["sections"].choices = [
            (s.key, s.title)
            for s in SECTIONS
            if any(access.can_see(f"{s.key}.{n}") for n in s.fields)
        ]
        self.fields["field"].choices = [("", "— Không chọn —")] + [
            (f"{s.key}.{n}", f"{s.title} – {field_label(s, n)}")
            for s in SECTIONS
            for n in s.fields
            if access.can_see(f"{s.key}.{n}")
        ]


class ResolveForm(ProblemsMixin, forms.Form):
    note = forms.CharField(
        label="Kết quả xác minh",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(ProblemsMixin, forms.Form):
    reason = forms.CharField(label="Lý do từ chối", max_length=500, required=False)


IDENTITY_EDITABLE = [n for n in BY_KEY["identity"].fields if n != "personal_id"]


class SelfFieldForm(ProblemsMixin, forms.Form):
    field = forms.ChoiceField(label="Thông tin cần sửa")
    value = forms.CharField(label="Nội dung đúng", max_length=300)
    note = forms.CharField(label="Căn cứ (giấy tờ kèm theo)", max_length=300, required=False)

    def __init__(self, *args, access: DossierAccess, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        section = BY_KEY["identity"]
        self.fields["field"].choices = [
            (n, field_label(section, n))
            for n in IDENTITY_EDITABLE
            if access.can_see(f"identity.{n}")
        ]


class SelfTrainingForm(ProblemsMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại đào tạo")
    institution = forms.CharField(label="Cơ sở đào tạo", max_length=200)
    field_of_study = forms.CharField(label="Chuyên ngành", max_length=200)
    from_date = forms.DateField(label="Từ ngày (dd/mm/yyyy)", input_formats=["%d/%m/%Y"])
    to_date = forms.DateField(
        label="Đến ngày (dd/mm/yyyy)", input_formats=["%d/%m/%Y"], required=False
    )
    diploma = forms.CharField(label="Văn bằng, chứng chỉ", max_length=200, required=False)
    note = forms.CharField(label="Căn cứ (giấy tờ kèm theo)", max_length=300, required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
