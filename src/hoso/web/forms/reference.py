"""Filters of the reference pages: the year of a unit's quotas, a catalog's entries."""

from __future__ import annotations

from django import forms


class YearForm(forms.Form):
    nam = forms.IntegerField(
        label="Năm", required=False, min_value=1945, max_value=2100,
        error_messages={
            "invalid": "Năm phải là một số, ví dụ 2025.",
            "min_value": "Năm không thể trước %(limit_value)s.",
            "max_value": "Năm không thể sau %(limit_value)s.",
        },
    )


class CatalogFilterForm(forms.Form):
    q = forms.CharField(
        label="Tìm trong danh mục", required=False, max_length=100,
        widget=forms.SearchInput(attrs={
            "placeholder": "Mã hoặc tên, gõ có dấu hay không dấu đều được", "autocomplete": "off",
        }),
    )
    hieu_luc = forms.BooleanField(label="Chỉ mục đang có hiệu lực", required=False)
