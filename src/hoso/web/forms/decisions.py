"""The form of a personnel decision: the header every decision has, then exactly the
parameters its type's effect needs (`hoso.changes.effects.PARAMETERS`), the reason when it
goes over a staffing quota, and the scan of the decision. The form parses (dd/mm/yyyy dates,
catalog and unit pickers); the services decide, their refusals put next to the field they
name (``parameters.<name>`` → the parameter's field)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hoso.catalog.selectors import entries
from hoso.changes.effects.params import ParamSpec, parameters_of
from hoso.core.dates import today
from hoso.core.errors import ValidationFailed
from hoso.federation import client as hub_client
from hoso.federation import refusals
from hoso.orgs.selectors import org_list

DATE_FORMATS = ["%d/%m/%Y"]
DATE_ERROR = "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/10/2026."
PREFIX = "p_"  # a parameter's form field: p_<name>


def type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The decision types in force, grouped as the catalog groups them (attribute
    ``group``), in catalog order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in entries("decision_type", on=today()).order_by("sort_order", "pk"):
        groups.setdefault(str(row.attrs.get("group") or "Khác"), []).append((row.code, row.name))
    return list(groups.items())


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_ERROR, "required": f"Thiếu {label.lower()}."},
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off", "inputmode": "numeric"},
        ),
    )


def _choices_of(spec: ParamSpec) -> list[tuple[str, str]]:
    if spec.kind == "unit":
        return [(o.code, f"{o.name} ({o.code})") for o in org_list(on=today())]
    if spec.kind == "choice":
        return list(spec.choices.items())
    seen: dict[str, str] = {}
    for code, name in (
        entries(spec.catalog, on=today()).order_by("sort_order", "code").values_list("code", "name")
    ):
        seen.setdefault(code, f"{name} ({code})")
    return list(seen.items())


class NodeInput(forms.TextInput):
    """A node code typed by hand, with the nodes last known offered as suggestions."""

    def __init__(self, known: list[tuple[str, str]]) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false"})
        self.known = known

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        if not self.known:
            return super().render(name, value, attrs, renderer)
        listed = f"{name}-nut-da-biet"
        field = super().render(name, value, {**(attrs or {}), "list": listed}, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((c, f"{a} ({c})") for c, a in self.known)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, listed, options)


class NodeChoiceField(forms.ChoiceField):
    """The receiving agency's node, chosen among the other nodes the hub has registered; a
    code that is none of them (this node's own included) is refused by name."""

    def __init__(self, *, own: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.own = own

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # required, when it is
        if value in (None, "") or self.valid_value(value):
            return
        code = str(value)[:32]
        if code == self.own:
            raise forms.ValidationError(refusals.message("handover_same_node", node=code))
        raise forms.ValidationError(
            refusals.message("handover_unknown_receiver", node=code)
            + " Chọn cơ quan tiếp nhận trong danh sách."
        )


def _node_field(spec: ParamSpec, label: str, missing: dict[str, str]) -> forms.Field:
    """A pick list of the other agencies' nodes (the hub's registry, cached) when the hub
    answers; otherwise a code typed by hand, which the hand-over checks with the hub later, and
    the field says why (R-NO-SILO, issue 14 item 3)."""
    known = hub_client.directory()
    if known.reachable:
        help_text = (
            "Chỉ khi chuyển sang cơ quan khác: các cơ quan đã đăng ký với Cơ sở dữ liệu quốc "
            "gia; hồ sơ được bàn giao sau khi quyết định được duyệt."
        )
        if not known.others:
            help_text += " Cơ sở dữ liệu quốc gia chưa có cơ quan nào khác."
        return NodeChoiceField(
            own=str(settings.HOSO_FEDERATION_NODE_ID or ""),
            label=label.replace(" (mã nút)", ""),
            required=spec.required,
            help_text=help_text,
            choices=[("", "— Chọn cơ quan —")] + [(c, f"{a} ({c})") for c, a in known.others],
            error_messages=missing,
        )
    help_text = spec.help
    if known.configured:
        help_text = (
            f"Chưa có danh sách cơ quan ({known.detail}): nhập mã nút, ví dụ «tinh-b»; mã "
            "được máy chủ quốc gia kiểm tra khi bàn giao."
        )
    return forms.CharField(
        label=label,
        required=spec.required,
        help_text=help_text,
        max_length=spec.max_length,
        error_messages=missing | {"max_length": f"{spec.label} dài quá {spec.max_length} ký tự."},
        widget=NodeInput(known.others),
    )


def parameter_field(spec: ParamSpec) -> forms.Field:
    """The form field of one parameter: a picker for units, catalog codes, choices and nodes,
    a dd/mm/yyyy date, a number or a text. Integers and decimals are typed as text and judged
    by the service, which names the parameter in its reason."""
    # A parameter required unless another is given says so in its help, not "(nếu có)".
    label = spec.label + ("" if spec.required or spec.required_unless else " (nếu có)")
    missing = {"required": f"Thiếu {spec.label.lower()}."}
    if spec.picker == "node":
        return _node_field(spec, label, missing)
    if spec.kind == "date":
        return _date(label, required=spec.required, help_text=spec.help)
    if spec.kind in ("unit", "code", "choice"):
        return forms.ChoiceField(
            label=label,
            required=spec.required,
            help_text=spec.help,
            choices=[("", "— Chọn —")] + _choices_of(spec),
            error_messages=missing
            | {"invalid_choice": f"{spec.label}: «%(value)s» không có trong danh mục."},
        )
    if spec.kind in ("integer", "decimal"):
        return forms.CharField(
            label=label,
            required=spec.required,
            help_text=spec.help,
            max_length=20,
            error_messages=missing,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-narrow"}),
        )
    widget = forms.Textarea(attrs={"rows": 3}) if spec.max_length > 300 else forms.TextInput()
    return forms.CharField(
        label=label,
        required=spec.required,
        help_text=spec.help,
        max_length=spec.max_length,
        error_messages=missing | {"max_length": f"{spec.label} dài quá {spec.max_length} ký tự."},
        widget=widget,
    )


class DecisionForm(forms.Form):
    decision_type = forms.CharField(widget=forms.HiddenInput)
    number = forms.CharField(
        label="Số quyết định",
        max_length=64,
        error_messages={"required": "Thiếu số quyết định."},
        widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 125/QĐ-UBND"}),
    )
    issuer = forms.CharField(
        label="Cơ quan ban hành",
        max_length=200,
        error_messages={"required": "Thiếu cơ quan ban hành."},
    )
    signed_date = _date("Ngày ký")
    received_date = _date("Ngày nhận", help_text="Thời hạn cập nhật hồ sơ tính từ ngày này.")
    effective_date = _date("Ngày có hiệu lực")
    summary = forms.CharField(
        label="Trích yếu (nếu có)",
        max_length=300,
        required=False,
        widget=forms.TextInput(),
    )
    quota_reason = forms.CharField(
        label="Lý do vượt chỉ tiêu biên chế",
        max_length=500,
        required=False,
        help_text="Chỉ cần khi đơn vị đã hết chỉ tiêu biên chế của năm.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scan = forms.FileField(
        label="Bản quét quyết định (PDF, JPEG, PNG, TIFF)",
        required=False,
        help_text="Gửi cùng khi lưu; bản quét được gắn với đề xuất thay đổi của quyết định.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
    )

    def __init__(self, *args: Any, decision_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = parameters_of(decision_type)
        self.fields["decision_type"].initial = decision_type
        for spec in self.specs:
            self.fields[PREFIX + spec.name] = parameter_field(spec)
        self.node_notice = ""  # the hub could not give the list of agencies: typed by hand
        if any(s.picker == "node" for s in self.specs):
            known = hub_client.directory()  # cached: the field above asked it already
            if known.configured and not known.reachable:
                self.node_notice = (
                    "Không kết nối được Cơ sở dữ liệu quốc gia nên chưa có danh sách cơ quan "
                    "tiếp nhận: nếu chuyển sang cơ quan khác, nhập mã nút của cơ quan đó."
                )

    @property
    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[PREFIX + s.name] for s in self.specs]

    @property
    def header_fields(self) -> list[forms.BoundField]:
        names = ("number", "issuer", "signed_date", "received_date", "effective_date", "summary")
        return [self[n] for n in names]

    def parameters(self) -> dict[str, Any]:
        """The parameters as the service takes them: ISO dates, codes, text; empty left out."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(PREFIX + spec.name)
            if value in (None, ""):
                continue
            out[spec.name] = value.isoformat() if isinstance(value, date) else value
        return out

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of `decision_preview` / `decision_register`."""
        data = self.cleaned_data
        return {
            "decision_type": data["decision_type"],
            "number": data["number"],
            "issuer": data["issuer"],
            "signed_date": data["signed_date"],
            "received_date": data["received_date"],
            "effective_date": data["effective_date"],
            "summary": data.get("summary") or "",
            "quota_reason": data.get("quota_reason") or "",
            "parameters": self.parameters(),
        }

    def add_problems(self, error: ValidationFailed) -> None:
        """Each refusal next to the field it names; the rest above the form."""
        for problem in error.problems:
            self.add_problem(problem.field, problem.message)

    def add_problem(self, field: str, message: str) -> None:
        name = field
        if field.startswith("parameters."):
            name = PREFIX + field.removeprefix("parameters.")
        if name == "personal_id" or name not in self.fields:
            name = None  # type: ignore[assignment]
        if name is not None and name in self.errors and message in self.errors[name]:
            return
        self.add_error(name, message)
