"""Forms of dossier entry (R-10D-CREATE, R-EQUIV, R-CLEAN): the personal id to start from, the
source of a change, and one form per section generated from the section registry
(`people.sections`): Vietnamese labels from the models, catalog pickers, `dd/mm/yyyy` dates.

They parse and say at once what is plainly wrong (a date that is no date, a code not in its
catalog, a unit not in the tree); the dossier after the change is checked whole by
`people.validation` in the services, whose refusals are put next to the field they name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import models

from hoso import identity
from hoso.changes.models import SourceKind
from hoso.people.sections import Section, section_field
from hoso.people.validation import CODED_FIELDS
from hoso.web.forms.work import ProblemsMixin

DATE_FORMAT = "%d/%m/%Y"
DATE_HINT = "dd/mm/yyyy"
# Fields naming a unit of the organization tree: searched as you type (`web/static/hoso/entry.js`).
UNIT_FIELDS = {
    ("employment", "managing_agency"),
    ("employment", "current_unit"),
    ("positions", "organization"),
    ("work_history", "organization"),
}
# Province codes of the identity section (the current and the former provinces).
PROVINCE_FIELDS = {("identity", "birth_place_code"), ("identity", "home_town_code")}
LONG_TEXT = {"main_duties", "text", "arrests", "former_regime", "foreign_organizations"}
# Fixed once the dossier exists: the id is the dossier's key.
FIXED = {("identity", "personal_id")}
SOURCED_HELP = "Lấy từ Cơ sở dữ liệu quốc gia về dân cư; không sửa được ở đây."


def vn_date_text(value: Any) -> str:
    """An ISO date (as the dossier holds it) as `dd/mm/yyyy`; anything else as it is."""
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    try:
        return date.fromisoformat(str(value)).strftime(DATE_FORMAT)
    except ValueError:
        return "" if value is None else str(value)


class VnDateField(forms.DateField):
    input_formats = [DATE_FORMAT]
    default_error_messages = {
        "invalid": "Ngày không đúng: cần dạng dd/mm/yyyy, ví dụ 05/03/2026.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": DATE_HINT, "inputmode": "numeric"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return vn_date_text(value) if isinstance(value, date) else value


class VnDecimalField(forms.CharField):
    """A number with a decimal comma or point (2,34 or 2.34)."""

    def __init__(self, *, places: int | None = None, **kwargs: Any) -> None:
        self.places = places
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise forms.ValidationError("Không phải là số (ví dụ 2,34).") from None
        if number < 0:
            raise forms.ValidationError("Không được là số âm.")
        return number


class CodeField(forms.CharField):
    """A code from a catalog, picked from a searchable list (`<input list>` + `<datalist>`)."""

    def __init__(
        self, *, catalog: str, title: str, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        self.catalog, self.title, self.options = catalog, title, choices
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": f"dm-{catalog}", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value).strip()
        if not text:
            return ""
        codes = {code for code, _ in self.options}
        if text in codes:
            return text
        # A name typed (or picked) instead of the code: the entry whose name it is.
        by_name = {name.casefold(): code for code, name in self.options}
        code = by_name.get(text.split(" — ")[-1].casefold()) or by_name.get(text.casefold())
        if code:
            return code
        raise forms.ValidationError(
            f"«{text}» không có trong danh mục «{self.title}»: chọn một mục trong danh sách."
        )


class UnitField(forms.CharField):
    """A unit code of the organization tree, searched as one types."""

    def __init__(self, *, units: dict[str, str], **kwargs: Any) -> None:
        self.units = units
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"data-unit-search": "1", "list": "", "autocomplete": "off"},
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value).strip()
        code = text.split(" — ")[0].strip()
        if code and code not in self.units:
            raise forms.ValidationError(f"Đơn vị «{code}» không có trong cây tổ chức.")
        return code


def _form_field(
    section: Section,
    name: str,
    *,
    catalogs: dict[str, list[tuple[str, str]]],
    catalog_titles: dict[str, str],
    units: dict[str, str],
) -> forms.Field:
    model_field = section_field(section, name)
    label = str(model_field.verbose_name)
    required = not model_field.blank and not model_field.has_default()
    common: dict[str, Any] = {"label": label, "required": required}
    kind = getattr(model_field, "kind", "")
    if (section.key, name) in UNIT_FIELDS:
        return UnitField(units=units, **common)
    if (section.key, name) in PROVINCE_FIELDS:
        return CodeField(
            catalog="province", title="Tỉnh, thành phố", choices=catalogs["province"], **common
        )
    catalog = CODED_FIELDS.get((section.key, name))
    if catalog:
        return CodeField(
            catalog=catalog,
            title=catalog_titles.get(catalog, catalog),
            choices=catalogs.get(catalog, []),
            **common,
        )
    if isinstance(model_field, models.BooleanField):
        return forms.BooleanField(label=label, required=False)
    if model_field.choices:
        default = model_field.default if model_field.has_default() else None
        blank = [("", "— Chọn —")] if not required and not default else []
        return forms.ChoiceField(
            choices=blank + [(str(k), str(v)) for k, v in model_field.choices],
            initial=default or None,
            **common,
        )
    if isinstance(model_field, models.DateField) or kind == "date":
        return VnDateField(**common)
    if isinstance(model_field, models.PositiveSmallIntegerField | models.IntegerField) or (
        kind == "int"
    ):
        return forms.IntegerField(
            min_value=0,
            error_messages={
                "invalid": "Cần nhập một số nguyên.",
                "min_value": "Không được là số âm.",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if isinstance(model_field, models.DecimalField) or kind == "decimal":
        return VnDecimalField(**common)
    if isinstance(model_field, models.EmailField):
        return forms.EmailField(
            error_messages={"invalid": "Địa chỉ thư điện tử không đúng."},
            widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}),
            **common,
        )
    max_length = getattr(model_field, "max_length", None)
    widget = forms.Textarea(attrs={"rows": 3}) if name in LONG_TEXT else None
    return forms.CharField(
        max_length=max_length,
        strip=True,
        widget=widget,
        error_messages={"max_length": f"Tối đa {max_length} ký tự."},
        **common,
    )


class SectionForm(ProblemsMixin, forms.Form):
    """One section of the dossier (or one row of a history section): the fields this writer
    may see, the version the form was built on carried along (`base_version`)."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        section: Section,
        names: list[str],
        catalogs: dict[str, list[tuple[str, str]]],
        catalog_titles: dict[str, str],
        units: dict[str, str],
        sourced: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.names = [n for n in names if (section.key, n) not in FIXED]
        for name in self.names:
            self.fields[name] = _form_field(
                section, name, catalogs=catalogs, catalog_titles=catalog_titles, units=units
            )
            if name in sourced:
                # Django keeps the initial value of a disabled field, whatever is posted.
                self.fields[name].disabled = True
                self.fields[name].help_text = SOURCED_HELP

    def value_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.names]

    def datalists(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The catalogs this form picks from, each once (for the `<datalist>`s)."""
        seen: dict[str, list[tuple[str, str]]] = {}
        for name in self.names:
            field = self.fields[name]
            if isinstance(field, CodeField):
                seen.setdefault(field.catalog, field.options)
        return list(seen.items())

    def row(self) -> dict[str, Any]:
        """The cleaned values as the dossier holds them (ISO dates, decimals as text)."""
        out: dict[str, Any] = {}
        for name in self.names:
            value = self.cleaned_data.get(name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                # As the dossier stores it (2,3 → "2.30"), so an unchanged value compares equal.
                places = getattr(section_field(self.section, name), "decimal_places", None)
                value = str(value.quantize(Decimal(1).scaleb(-places)) if places else value)
            elif value == "" and not isinstance(self.fields[name], forms.CharField):
                value = None
            out[name] = value
        return out

    def add_problems(self, error: Any, *, row: int | None = None) -> None:
        """The services' refusals next to the field they name (`identity.full_name`,
        `training[2].from_date`); those about other fields or rows above the form."""
        for problem in error.problems:
            where = problem.field or ""
            head, _, name = where.rpartition(".")
            own = head == self.section.key or (
                row is not None and head == f"{self.section.key}[{row}]"
            )
            if own and name in self.fields:
                self.add_error(name, problem.message)
            else:
                self.add_error(None, problem.message)


def initial_of(section: Section, values: dict[str, Any] | None) -> dict[str, Any]:
    """A dossier row as the form's initial values (dates as `dd/mm/yyyy`)."""
    out: dict[str, Any] = {}
    for name, value in (values or {}).items():
        if name not in section.fields:
            continue
        model_field = section_field(section, name)
        if value is not None and (
            isinstance(model_field, models.DateField) or getattr(model_field, "kind", "") == "date"
        ):
            value = vn_date_text(value)
        elif isinstance(value, str) and isinstance(model_field, models.DecimalField):  # 2.34 → 2,34
            value = value.replace(".", ",")
        out[name] = value
    return out


class StartForm(ProblemsMixin, forms.Form):
    personal_id = forms.CharField(
        label="Số định danh cá nhân (12 chữ số)",
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_personal_id(self) -> str:
        text = self.cleaned_data["personal_id"]
        errors = identity.validate(text)
        if errors:
            raise forms.ValidationError([e.message for e in errors])
        return text


class SourceForm(ProblemsMixin, forms.Form):
    """What the change is based on: the confirmed paper dossier (its date cited, R-EQUIV and
    R-10D-CREATE) or a decision."""

    source_kind = forms.ChoiceField(
        label="Căn cứ",
        choices=[
            (SourceKind.PAPER, SourceKind.PAPER.label),
            (SourceKind.DECISION, SourceKind.DECISION.label),
        ],
    )
    paper_confirmed_on = VnDateField(
        label="Ngày xác nhận hồ sơ giấy (dd/mm/yyyy)",
        required=False,
        help_text="Thời hạn 10 ngày làm việc để nhập hồ sơ điện tử tính từ ngày này.",
    )
    source_note = forms.CharField(
        label="Ghi chú căn cứ (số văn bản, vị trí trong hồ sơ giấy)",
        max_length=300,
        required=False,
    )
