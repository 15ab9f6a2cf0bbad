"""The forms of the procedure pages: starting one (its type, then the decision parameters the
type's last step will issue) and acting on the current step (the outcome, the reason of a
rejection, the vote counts, the documents the step requires, and for the last step the
decision's header). The forms parse; the services decide.

A step that records scores per criterion (`kind: scores`, the annual evaluation's manager step;
R-EVAL-REALTIME, NĐ 335/2025, NĐ 90/2020 as amended) gets one input per criterion of the
person's category in force for the year evaluated (`evaluation.criteria_for`), each with its
maximum and its legal basis; the form turns the typed text into numbers (a comma or a point
before the decimals) and the engine judges them as it judges the API's."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from hoso.catalog.selectors import entries
from hoso.changes.effects.params import parameters_of
from hoso.core.dates import today
from hoso.core.errors import ValidationFailed
from hoso.procedures.definitions import FieldSpec, StepDef
from hoso.procedures.documents import document_name
from hoso.procedures.evaluation import Criteria, GradeBand, criteria_for, grade_bands, year_of
from hoso.web.forms.decisions import PREFIX, _date, parameter_field

OUTCOMES = [("approve", "Đồng ý"), ("reject", "Từ chối")]
DECISION_HEADER = ("number", "issuer", "signed_date", "effective_date")
RECORDED = "field_"  # the form names of a step's recorded data (`StepDef.fields`)
SCORE = RECORDED + "scores."  # + a criterion's code: the points given for it
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


@dataclass(frozen=True)
class Scale:
    """What a scores step is scored on: the criteria of the person's category for the year,
    and the score bands of the grades (empty where the grade is not the total's)."""

    criteria: Criteria
    bands: tuple[GradeBand, ...]

    def grade(self, total: Decimal) -> GradeBand | None:
        return next((b for b in self.bands if b.holds(total)), None)


def scale_of(step: StepDef, params: dict[str, Any], staff_category: str) -> Scale | None:
    """The scale of `step` for a procedure with `params` about a person of `staff_category`,
    or None (the step scores nothing, or no criteria are in force: the engine refuses it)."""
    year = year_of(params)
    if year is None or not any(f.kind == "scores" for f in step.fields):
        return None
    criteria = criteria_for(staff_category, year)
    if criteria is None:
        return None
    return Scale(criteria, grade_bands(staff_category, year))


NUMBER = re.compile(r"[0-9]{1,6}(?:[.,][0-9]{1,4})?")  # 25, 27,5 or 27.5: no sign, no exponent


def points(text: str) -> int | float | None:
    """Typed points as the API's JSON number would be (an int when whole), or None when the
    text is no non-negative number written plainly. A comma stands for the decimal point."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    number = Decimal(text.replace(",", "."))
    return int(number) if number == number.to_integral_value() else float(number)


def _score_field(criterion: Any) -> forms.CharField:
    return forms.CharField(
        label=criterion.name,
        required=False,
        max_length=10,
        help_text=f"Tối đa {criterion.max_points:f} điểm. Căn cứ: {criterion.legal_basis}.",
        error_messages={"max_length": "Điểm ghi tối đa 10 ký tự."},
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "class": "input-narrow",
                "autocomplete": "off",
                "data-score-max": f"{criterion.max_points:f}",
            }
        ),
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

    def __init__(
        self, *args: Any, step: StepDef, scale: Scale | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.scale = scale
        self.scores: dict[str, Any] = {}
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
        # What the step records (its field spec), beyond the decision header above; scores
        # per criterion from the scale of the person's category and year.
        self.recorded = [
            f for f in step.fields if f.kind != "scores" and f.name not in DECISION_HEADER
        ]
        self.scores_spec = next((f for f in step.fields if f.kind == "scores"), None)
        for spec in self.recorded:
            self.fields[RECORDED + spec.name] = _recorded_field(spec)
        for criterion in scale.criteria.items if scale else ():
            self.fields[SCORE + criterion.code] = _score_field(criterion)

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
            self.scores = self._scores(data)
        return data

    def _scores(self, data: dict[str, Any]) -> dict[str, Any]:
        """The points typed per criterion, as numbers; a blank one left out and a criterion
        the scale lacks kept (the engine refuses both, as through the API)."""
        if self.scores_spec is None:
            return {}
        scores: dict[str, Any] = {}
        for criterion in self.scale.criteria.items if self.scale else ():
            text = (data.get(SCORE + criterion.code) or "").strip()
            if not text:
                continue
            number = points(text)
            if number is None:
                self.add_error(
                    SCORE + criterion.code,
                    f"Điểm tiêu chí «{criterion.name}» phải là số không âm, từ 0 đến"
                    f" {criterion.max_points:f} (ví dụ 25 hoặc 27,5).",
                )
                continue
            scores[criterion.code] = number
        for name in self.data:
            code = name[len(SCORE) :]
            if name.startswith(SCORE) and name not in self.fields:
                text = str(self.data.get(name) or "").strip()
                scores[code] = points(text) if points(text) is not None else text
        return scores

    def score_rows(self) -> list[forms.BoundField]:
        return [self[SCORE + c.code] for c in self.scale.criteria.items] if self.scale else []

    def score_total(self) -> dict[str, Any] | None:
        """The total of the points typed so far and the grade it falls in, drawn on the page
        before any script runs (the script redraws them as the manager types); a score that is
        no number or over its maximum is left out and flagged."""
        if self.scale is None:
            return None
        total, wrong = Decimal(0), False
        for criterion in self.scale.criteria.items:
            text = str(self.data.get(SCORE + criterion.code) or "").strip() if self.is_bound else ""
            number = points(text) if text else 0
            if number is None or Decimal(str(number)) > criterion.max_points:
                wrong = True  # left out of the total, as the script does
            else:
                total += Decimal(str(number))
        band = self.scale.grade(total)
        return {
            "total": f"{total.normalize():f}".replace(".", ","),
            "wrong": wrong,
            "maximum": f"{self.scale.criteria.total:f}",
            "grade": band.name if band and not wrong else "",  # none from a wrong score
            "bands": [
                {
                    "name": b.name,
                    "low": None if b.low is None else float(b.low),
                    "high": None if b.high is None else float(b.high),
                }
                for b in self.scale.bands
            ],
        }

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
        if self.scores_spec is not None and self.scores:
            data[self.scores_spec.name] = self.scores
        return data

    def _field_of(self, where: str) -> str | None:
        """The form field a problem's `data.NAME` (or `data.scores.CODE`) names, if drawn."""
        for name in (where, RECORDED + where.removeprefix("data.")):
            if name in self.fields:
                return name
        return None

    def add_problems(self, error: ValidationFailed) -> None:
        """Each refusal next to the field it names; the rest above the form."""
        for problem in error.problems:
            name = self._field_of(problem.field or "")
            if name is not None and problem.message in self.errors.get(name, []):
                continue
            self.add_error(name, problem.message)
