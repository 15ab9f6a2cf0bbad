"""The dossier standard (tiêu chí «Đủ», R-COMPLETE): one small engine, pure.

The standard is data — three catalogs, each entry with its group of NĐ 27/2026, its Mẫu 2C item
and its legal basis: `required_field` (presence), `dossier_format_rule` (format: rule kind +
parameters + message) and `required_component` (scanned components, R-DIGITIZE). This module
only checks a dossier against a `Standard` built from them (`people.selectors.dossier_standard`):
no database, no Django. The write path's validator (`people.validation`) refuses a bad write;
the standard reports what an existing dossier still lacks, imported ones included.

Codes: "section.field" of a one-row section is a field that must be filled; of a history section
a field every existing row must fill (no row: not applicable); a bare "section" needs one row.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from hoso import identity

MISSING = "missing"  # a required field or section is empty
FORMAT = "format"  # a filled field breaks a format rule
COMPONENT = "component"  # a required scanned component is absent

COMPONENT_GROUP = 0  # the components' own row in per-group counts

RULE_KINDS = frozenset(
    {
        "personal_id",
        "digits",
        "pattern",
        "not_future",
        "date_order",
        "min_years_after",
        "in_catalog",
        "salary_step",
        "number_range",
        "year_range",
    }
)


@dataclass(frozen=True)
class Requirement:
    code: str  # "section.field" or "section"
    name: str
    group: int
    form_item: str = ""


@dataclass(frozen=True)
class FormatRule:
    code: str
    field: str  # "section.field"
    kind: str  # one of RULE_KINDS
    message: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    group: int = 0
    form_item: str = ""
    basis: str = ""


@dataclass(frozen=True)
class ComponentRule:
    kind: str  # catalog component_kind
    name: str
    when_section: str = ""  # required only when this section has a row ("" always)
    section: str = ""  # the section the component proves (component_kind attrs.section)
    group: int = 0
    basis: str = ""


@dataclass(frozen=True)
class Standard:
    required: tuple[Requirement, ...] = ()
    formats: tuple[FormatRule, ...] = ()
    components: tuple[ComponentRule, ...] = ()
    codes: Mapping[str, frozenset[str]] = dataclasses.field(
        default_factory=dict
    )  # in_catalog values
    pay_steps: Mapping[str, tuple[Decimal, ...]] = dataclasses.field(
        default_factory=dict
    )  # rank → coeffs

    @property
    def size(self) -> int:
        """How many field rules the stored score counts (presence and format)."""
        return len(self.required) + len(self.formats)


@dataclass(frozen=True)
class Finding:
    """One thing the dossier lacks: `rule` (a requirement's code, a format rule's code or a
    component kind), `item` (what a reader must be allowed to see to be told: "section.field",
    "section", or "" for a component of the whole dossier), where it is fixed (`section`)."""

    kind: str  # MISSING / FORMAT / COMPONENT
    rule: str
    item: str
    section: str
    group: int
    message: str
    where: str = ""  # "training[1].to_date" for a row

    @property
    def key(self) -> str:
        """One count per rule: the stored score counts a rule once however many rows fail it."""
        return f"{self.kind}:{self.rule}"


def check_fields(data: Mapping[str, Any], standard: Standard, *, today: date) -> list[Finding]:
    """Every presence and format finding of a dossier (plain data, the shape of the API).

    Runs on every write (a bulk load checks ~100 rules per person), hence the fast paths for
    plain dicts and the cached splits of the rules' paths."""
    out = [f for r in standard.required if (f := _presence(data, r)) is not None]
    for rule in standard.formats:
        out.extend(_format(data, rule, standard, today))
    return out


def check_components(
    data: Mapping[str, Any], standard: Standard, present: Iterable[str]
) -> list[Finding]:
    """The required components (`standard.components`) missing, given the kinds on file."""
    have = set(present)
    out = []
    for rule in standard.components:
        if rule.kind in have:
            continue
        if rule.when_section and not _filled(data.get(rule.when_section)):
            continue
        # Named to a reader who may see the section whose row makes it required (that a
        # training row exists is itself content), else the section it proves.
        where = rule.when_section or rule.section
        out.append(
            Finding(
                COMPONENT,
                rule.kind,
                where,
                where,
                rule.group,
                f"Chưa có bản quét: {rule.name}.",
            )
        )
    return out


def component_applies(rule: ComponentRule, sections_with_rows: set[str]) -> bool:
    return not rule.when_section or rule.when_section in sections_with_rows


def score(findings: Iterable[Finding], standard: Standard) -> tuple[float, int]:
    """(completeness 0–1, failed rules) over the field rules; components are not stored."""
    failed = len({f.key for f in findings if f.kind != COMPONENT})
    if not standard.size:
        return 1.0, failed
    return max(0.0, 1 - failed / standard.size), failed


# --- presence --------------------------------------------------------------------------------


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


@lru_cache(maxsize=4096)
def _split(path: str) -> tuple[str, str]:
    """ "section.field" → ("section", "field"); "section" → ("section", "")."""
    section, _, name = path.partition(".")
    return section, name


def _presence(data: Mapping[str, Any], req: Requirement) -> Finding | None:
    section, name = _split(req.code)
    value = data.get(section)
    if not name:
        ok, where = _filled(value), ""
    elif value is None:
        return None  # a one-row history section with no row: the bare "section" rule's concern
    elif isinstance(value, list):
        empty = [i for i, row in enumerate(value) if not _filled(_get(row, name))]
        ok = not empty
        where = f"{section}[{empty[0]}].{name}" if empty else ""
    else:
        ok, where = _filled(_get(value, name)), req.code
    if ok:
        return None
    return Finding(MISSING, req.code, req.code, section, req.group, f"Thiếu: {req.name}.", where)


def _get(row: Any, name: str) -> Any:
    if type(row) is dict:  # the usual case, without the slower check against the ABC
        return row.get(name)
    return row.get(name) if isinstance(row, Mapping) else None


def _is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


# --- format ----------------------------------------------------------------------------------


def _format(
    data: Mapping[str, Any], rule: FormatRule, standard: Standard, today: date
) -> list[Finding]:
    section, name = _split(rule.field)
    value = data.get(section)
    rows = value if isinstance(value, list) else [value] if _is_mapping(value) else []
    out = []
    for index, row in enumerate(rows):
        if not _is_mapping(row) or not _filled(row.get(name)):
            continue  # empty: presence's concern
        reason = _broken(rule, row, data, standard, today)
        if reason is not None:
            where = f"{section}[{index}].{name}" if isinstance(value, list) else rule.field
            message = f"{rule.message}: {reason}." if reason else f"{rule.message}."
            out.append(Finding(FORMAT, rule.code, rule.field, section, rule.group, message, where))
    return out


def _broken(  # noqa: PLR0911, PLR0912 - one branch per rule kind reads best as a table
    rule: FormatRule, row: Mapping[str, Any], data: Mapping[str, Any], std: Standard, today: date
) -> str | None:
    """None when the value keeps the rule; else the reason ("" when the message says it)."""
    value = row[_split(rule.field)[1]]
    params = rule.params
    kind = rule.kind
    if kind == "personal_id":
        ident = data.get("identity") or {}
        sex = ident.get("sex") if ident.get("sex") in ("M", "F") else None
        errors = identity.validate(
            str(value), birth_date=_date_or_none(ident.get("birth_date")), sex=sex, today=today
        )
        return "; ".join(e.message.rstrip(".") for e in errors) if errors else None
    if kind == "digits":
        text = str(value)
        ok = text.isascii() and text.isdigit() and len(text) == int(params["length"])
        return None if ok else f"«{text}» có {len(text)} ký tự"
    if kind == "pattern":
        return None if re.fullmatch(params["regex"], str(value)) else f"«{value}»"
    if kind in ("not_future", "date_order", "min_years_after"):
        day = _date_or_none(value)
        if day is None:
            return f"«{value}» không phải là ngày"
        if kind == "not_future":
            return None if day <= today else f"{_vn(day)} ở sau hôm nay ({_vn(today)})"
        other = _date_or_none(_other(row, data, params["after"]))
        if other is None:
            return None  # nothing to compare with
        if kind == "date_order":
            return None if day >= other else f"{_vn(day)} trước {_vn(other)}"
        years = int(params["years"])
        limit = _add_years(other, years)
        return None if day >= limit else f"{_vn(day)} chưa đủ {years} năm sau {_vn(other)}"
    if kind == "in_catalog":
        known = std.codes.get(params["catalog"], frozenset())
        return None if str(value) in known else f"mã «{value}» không có"
    if kind == "salary_step":
        return _salary_step(row, std)
    if kind in ("number_range", "year_range"):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return f"«{value}» không phải là số"
        low = _decimal(str(params.get("min", "-Infinity")))
        high = _decimal(str(params.get("max", today.year if kind == "year_range" else "Infinity")))
        return None if low <= number <= high else f"giá trị {value}"
    raise ValueError(f"unknown rule kind {kind!r} in {rule.code}")


def _salary_step(row: Mapping[str, Any], std: Standard) -> str | None:
    steps = std.pay_steps.get(str(row.get("rank_code")))
    if not steps:
        return None  # an unknown rank is `in_catalog`'s concern
    try:
        step = int(row.get("step") or 0)
        coefficient = Decimal(str(row.get("coefficient"))).quantize(Decimal("0.01"))
    except (TypeError, ValueError, InvalidOperation):
        return "bậc hoặc hệ số không phải là số"
    if not 1 <= step <= len(steps):
        return f"ngạch {row.get('rank_code')} có {len(steps)} bậc, không có bậc {step}"
    if steps[step - 1] != coefficient:
        return f"bậc {step} có hệ số {steps[step - 1]}, không phải {coefficient}"
    return None


def _other(row: Mapping[str, Any], data: Mapping[str, Any], path: str) -> Any:
    """A field of the same row ("from_date") or of a one-row section ("identity.birth_date")."""
    section, name = _split(path)
    if not name:
        return row.get(section)
    return _get(data.get(section), name)


@lru_cache(maxsize=256)
def _decimal(text: str) -> Decimal:
    return Decimal(text)


def _date_or_none(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check_rule_kinds(standard: Standard) -> list[str]:
    """The format rules of a standard whose kind or parameters the engine cannot run."""
    needs = {
        "digits": ("length",),
        "pattern": ("regex",),
        "date_order": ("after",),
        "min_years_after": ("after", "years"),
        "in_catalog": ("catalog",),
    }
    bad = []
    for rule in standard.formats:
        wanted = needs.get(rule.kind, ())
        if rule.kind not in RULE_KINDS or any(p not in rule.params for p in wanted):
            bad.append(rule.code)
        elif rule.kind == "pattern":
            try:
                re.compile(rule.params["regex"])
            except re.error:
                bad.append(rule.code)
    return bad
