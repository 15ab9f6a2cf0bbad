"""Forms of the documents pages: upload a scan, dismiss a finding. They parse; the services
decide (their refusals are put next to the field they name)."""

from __future__ import annotations

from django import forms

from hoso.catalog.selectors import attrs_map, entries
from hoso.people.sections import SECTIONS
from hoso.web.forms.work import ProblemsMixin


def _kind_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for code, name in (
        entries("component_kind").order_by("sort_order", "valid_from").values_list("code", "name")
    ):
        seen[code] = name
    return list(seen.items())


class UploadForm(ProblemsMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại tài liệu")
    title = forms.CharField(label="Tên tài liệu", max_length=300)
    section = forms.ChoiceField(label="Mục hồ sơ mà tài liệu chứng minh", required=False)
    file = forms.FileField(
        label="Tệp bản quét (PDF, JPEG, PNG, TIFF; nhiều trang được)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices()
        self.fields["section"].choices = [("", "Theo loại tài liệu (mặc định)")] + [
            (s.key, s.title) for s in SECTIONS
        ]

    @staticmethod
    def kind_sections() -> dict[str, str]:
        return {
            code: attrs.get("section", "") for code, attrs in attrs_map("component_kind").items()
        }


class MoveForm(forms.Form):
    position = forms.IntegerField(label="Thứ tự mới", min_value=1)


class DismissForm(ProblemsMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do bác bỏ", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
