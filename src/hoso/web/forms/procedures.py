"""The forms of the procedure pages: starting one (its type, then the decision parameters the
type's last step will issue) and acting on the current step (the outcome, the reason of a
rejection, the vote counts, the documents the step requires, and for the last step the
decision's header). The forms parse; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from hoso.catalog.selectors import entries
from hoso.changes.effects.params import parameters_of
from hoso.core.dates import today
from hoso.core.errors import ValidationFailed
from hoso.procedures.definitions import FieldSpec, StepDef
from hoso.procedures.documents import document_name
from hoso.web.forms.decisions import PREFIX, _date, parameter_field

OUTCOMES = [("approve", "Đồng ý"), ("reject", "Từ chối")]
DECISION_HEADER = ("number", "issuer", "signed_date", "effective_date")
RECORDED = "field_"  # the form names of a step's recorded data (`StepDef.fields`)
VOTES = (
    ("votes_for", "Số phiếu đồng ý"),
    ("votes_against", "Số phiếu không đồng ý"),
    ("votes_abstain", "Số phiếu không biểu quyết"),
)


class StartForm(forms.Form):
    """The decision parameters of the procedure type (e.g. the post of an appointment)."""

    def __init__(self, *args: Any, decision_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = parameters_of(decision_type)
        for spec in self.specs:
            self.fields[PREFIX + spec.name] = parameter_field(spec)

    def params(self) -> dict[str, Any]:
        out = {}
        for spec in self.specs:
            value = self.cleaned_data.get(PREFIX + spec.name)
            if value not in (None, ""):
                out[spec.name] = value.isoformat() if hasattr(value, "isoformat") else value
        return {"decision": out}


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10_000,
        error_messages={
            "invalid": "Số phiếu phải là số nguyên không âm.",
            "min_value": "Số phiếu phải là số nguyên không âm.",
            "max_value": "Số phiếu quá lớn.",
        },
        widget=forms.NumberInput(attrs={"class": "input-narrow"}),
    )


def _recorded_field(spec: FieldSpec) -> forms.Field:
    """The form field of one datum of a step's field spec (`StepDef.fields`). Optional in the
    form: required only on approval (`StepForm.clean`); numbers are typed as text and judged,
    with the rest of the spec, by `procedures.fields.check`."""
    label = spec.label + (" (bắt buộc khi đồng ý)" if spec.required else " (nếu có)")
    if spec.kind == "date":
        return _date(label, required=False)
    if spec.kind == "choice":
        rows = entries(spec.catalog, on=today()).order_by("sort_order", "code")
        choices = [(code, name) for code, name in rows.values_list("code", "name")]
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "— Chọn —"), *choices],
            error_messages={
                "invalid_choice": f"{spec.label}: «%(value)s» không có trong danh mục."
            },
        )
    if spec.kind in ("int", "decimal"):
        return forms.CharField(
            label=label,
            required=False,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-narrow"}),
        )
    long = spec.max_length is None or spec.max_length > 300
    return forms.CharField(
        label=label,
        required=False,
        max_length=spec.max_length,
        widget=forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput(),
    )


class StepForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Kết quả",
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn đồng ý hoặc từ chối."},
    )
    reason = forms.CharField(
        label="Lý do (bắt buộc khi từ chối)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, step: StepDef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        if step.vote:
            for name, label in VOTES:
                self.fields[name] = _count(label)
        for code in step.documents:
            self.fields[f"document_{code}"] = forms.FileField(
                label=f"{document_name(code)} (PDF)",
                required=False,
                help_text="Hệ thống ký số tệp bằng chứng thư số của bạn khi lưu.",
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
            )
            # A document already signed on an earlier try of this form: not asked again.
            self.fields[f"signed_{code}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
        if step.issues_decision:
            self.fields["number"] = forms.CharField(label="Số quyết định", max_length=64)
            self.fields["issuer"] = forms.CharField(label="Cơ quan ban hành", max_length=200)
            self.fields["signed_date"] = _date("Ngày ký")
            self.fields["effective_date"] = _date("Ngày có hiệu lực")
        # What the step records (its field spec), beyond the decision header above. Scores per
        # criterion depend on the person and the year: recorded through the API for now.
        self.recorded = [
            f for f in step.fields if f.kind != "scores" and f.name not in DECISION_HEADER
        ]
        self.api_only = [f for f in step.fields if f.kind == "scores"]
        for spec in self.recorded:
            self.fields[RECORDED + spec.name] = _recorded_field(spec)

    @property
    def approving(self) -> bool:
        return self.is_bound and self.data.get("outcome") == "approve"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Từ chối phải nêu lý do.")
        if data.get("outcome") == "approve":
            for name, label in VOTES if self.step.vote else ():
                if data.get(name) is None:
                    self.add_error(name, f"Thiếu {label.lower()}.")
            if self.step.issues_decision:
                for name in ("number", "issuer", "signed_date", "effective_date"):
                    if not data.get(name):
                        self.add_error(name, f"Thiếu {self.fields[name].label.lower()}.")
            for spec in self.recorded:
                if spec.required and data.get(RECORDED + spec.name) in (None, ""):
                    self.add_error(RECORDED + spec.name, f"Cần ghi «{spec.label}».")
        return data

    def document_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"document_{c}"], self[f"signed_{c}"]) for c in self.step.documents]

    def vote_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in VOTES] if self.step.vote else []

    def recorded_fields(self) -> list[forms.BoundField]:
        return [self[RECORDED + f.name] for f in self.recorded]

    def decision_fields(self) -> list[forms.BoundField]:
        names = ("number", "issuer", "signed_date", "effective_date")
        return [self[n] for n in names] if self.step.issues_decision else []

    def step_data(self, documents: dict[str, int]) -> dict[str, Any]:
        """The `data` of `step_act`: the counts, the decision header, the documents' ids."""
        data: dict[str, Any] = {"documents": documents}
        if self.cleaned_data["outcome"] != "approve":
            return data
        for name, _label in VOTES if self.step.vote else ():
            data[name] = self.cleaned_data[name]
        if self.step.issues_decision:
            for name in ("number", "issuer"):
                data[name] = self.cleaned_data[name]
            for name in ("signed_date", "effective_date"):
                data[name] = self.cleaned_data[name].isoformat()
        for spec in self.recorded:
            value = self.cleaned_data.get(RECORDED + spec.name)
            if value not in (None, ""):
                data[spec.name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data

    def add_problems(self, error: ValidationFailed) -> None:
        """Each refusal next to the field it names; the rest above the form."""
        for problem in error.problems:
            name = problem.field if problem.field in self.fields else None
            if name is not None and problem.message in self.errors.get(name, []):
                continue
            self.add_error(name, problem.message)
