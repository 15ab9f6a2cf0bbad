"""The citizen feedback form of the public page (R-TRANSPARENT). Every check is the service's
(`procedures.services.feedback_submit`), so the page and any other caller refuse alike; the
form only draws the fields and puts each problem next to its field."""

from __future__ import annotations

from django import forms

from hoso.core.errors import ValidationFailed
from hoso.procedures.feedback import COMMENT_MAX, RATINGS, thousands

RATING_NAMES = {
    1: "Rất không hài lòng",
    2: "Không hài lòng",
    3: "Bình thường",
    4: "Hài lòng",
    5: "Rất hài lòng",
}


class FeedbackForm(forms.Form):
    # Text fields drawn as a list and as buttons: the choices are checked by the service, in
    # Vietnamese, never by the form's own (English) messages.
    unit = forms.CharField(label="Đơn vị được đánh giá", required=False, widget=forms.Select)
    rating = forms.CharField(
        label="Mức độ hài lòng",
        required=False,
        widget=forms.RadioSelect(choices=[(str(n), f"{n} – {RATING_NAMES[n]}") for n in RATINGS]),
    )
    comment = forms.CharField(
        label="Ý kiến (không bắt buộc)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX}),
        help_text=(
            f"Tối đa {thousands(COMMENT_MAX)} ký tự. Không ghi họ tên, số định danh cá nhân hay "
            "số điện thoại: trang không lưu thông tin của người góp ý."
        ),
    )

    def __init__(self, *args, units: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", "— Chọn đơn vị —"), *units]

    def add_problems(self, error: ValidationFailed) -> None:
        for problem in error.problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
