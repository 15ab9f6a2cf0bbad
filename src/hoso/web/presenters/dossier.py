"""Search results and the dossier as the pages show them.

Nothing here reads dossier tables on its own: dossier data comes in already gated (the
`DossierAccess` of `access.policies.dossier_access`, or a page of a queryset built on
`policies.people_scope`) and is shown field by field as the gate decided, with the rules of
`access.masking` (the same as the API's and the exports').
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from hoso.access import masking, policies
from hoso.access.models import Sensitivity
from hoso.catalog.selectors import name_of
from hoso.documents.selectors import components as document_selectors
from hoso.orgs import selectors as org_selectors
from hoso.people import selectors as people_selectors
from hoso.people.models import Person
from hoso.people.sections import BY_KEY, Section
from hoso.people.standard import COMPONENT, FORMAT, MISSING
from hoso.web.presenters.completeness import Item, dossier_findings

# --- Search results --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One search result; a column the gate does not open for this person is None."""

    personal_id: str
    completeness: float
    full_name: str | None
    birth_date: date | None
    sex: str | None
    unit: str | None
    rank: str | None
    position: str | None


def result_rows(user: Any, people: list[Person]) -> list[ResultRow]:
    gate = policies.gate_for(user)  # duties and grants read once for the whole page
    units = org_selectors.unit_labels()
    rows = []
    for p in people:
        visible = masking.summary_visible(gate.access(p))

        def show(column: str, value: Any, visible: set[str] = visible) -> Any:
            return value if column in visible else None

        rows.append(
            ResultRow(
                personal_id=p.personal_id,
                completeness=p.completeness,
                full_name=show("full_name", p.full_name),
                birth_date=show("birth_date", p.birth_date),
                sex=show("sex", p.get_sex_display()),
                unit=show("unit", units.get(p.current_unit.code, p.current_unit.name)),
                rank=show("rank", name_of("rank", p.current_rank_code)),
                position=show("position", name_of("position", p.current_position_code)),
            )
        )
    return rows


# --- The dossier -----------------------------------------------------------------------------


def form_items_label(items: tuple[str, ...]) -> str:
    """("0", "1", "2", "3", "25", "26") → "phần đầu; mục 1–3, 25–26" (Mẫu 2C-BNV/2008)."""
    numbers = sorted({int(i) for i in items if i.isdigit() and int(i) > 0})
    parts: list[str] = []
    start = prev = None
    for n in numbers:
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(f"{start}–{prev}" if prev != start else str(start))
        start = prev = n
    if start is not None:
        parts.append(f"{start}–{prev}" if prev != start else str(start))
    label = []
    if "0" in items:
        label.append("phần đầu")
    if parts:
        label.append("mục " + ", ".join(parts))
    return "; ".join(label)


def vn_number(value: float | Decimal, decimals: int) -> str:
    """1234567.5 → "1.234.567,5": "." groups thousands, "," marks decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def vn_decimal(text: str) -> str:
    """A decimal as the selector gives it: "2.34" → "2,34", "150000000" → "150.000.000"."""
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    exponent = value.as_tuple().exponent
    return vn_number(value, max(0, -exponent) if isinstance(exponent, int) else 0)


def _is_decimal(section: Section, name: str) -> bool:
    # Belongs in `people.selectors._display` (one formatter for pages and the résumé PDF).
    return isinstance(section.model._meta.get_field(name), models.DecimalField)


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    missing: bool = False  # required and empty: highlighted in place
    masked: bool = False  # the gate did not open this field: its value is not shown


@dataclass
class SectionView:
    key: str
    title: str
    items: str
    many: bool
    headers: list[str]
    rows: list[list[Cell]]
    missing: bool  # required and empty as a whole (no row to highlight in)
    missing_names: list[str] = field(default_factory=list)
    mask_notes: list[str] = field(default_factory=list)


@dataclass
class DossierView:
    person: Person
    header: dict[str, str | None]  # None: masked
    sections: list[SectionView]
    completeness: float
    missing: list[tuple[str, str]]  # (section key, Vietnamese name), only what may be seen
    missing_hidden: bool  # some missing items lie in fields this user may not see
    # The dossier standard's findings this reader may be told of, by kind, and how many more
    # lie in what they may not see (`presenters.completeness.dossier_findings`).
    findings: dict[str, list[Item]] = field(default_factory=dict)
    findings_hidden: int = 0


def _header(access: policies.DossierAccess) -> dict[str, str | None]:
    p = access.person
    values = {
        "managing_agency": p.managing_agency.name,
        "current_unit": org_selectors.unit_label(p.current_unit),
        "file_number": p.file_number or "—",
        "personal_id": p.personal_id,
        "full_name": p.full_name,
        "birth_date": p.birth_date.strftime("%d/%m/%Y"),
        "sex": p.get_sex_display(),
        "status": p.get_status_display(),
        "secret_label": p.get_secret_label_display() if p.secret_label else "",
    }
    visible = masking.header_visible(access)
    return {k: (v if k in visible else None) for k, v in values.items()}


def required_fields() -> list[str]:
    return people_selectors.required_fields()


def dossier_view(access: policies.DossierAccess, *, editable: bool = False) -> DossierView:
    """The dossier as the gate allows this user to see it (same rules as `access.masking`):
    hidden fields show no value and no "missing" mark; a history section none of whose fields
    may be seen is left out, since even its row count says something."""
    person = access.person
    visible_missing, missing_hidden = access.missing_required(required_fields())
    shown = access.display(missing=set(visible_missing))
    notes = masking.section_mask_notes(access)
    sections = []
    for s in shown:
        section = BY_KEY[s.key]
        if section.many and not masking.section_visible(access, s.key):
            continue
        visible = masking.visible_fields(access, s.key)
        can = [n in visible for n in section.fields]
        rows = [
            [
                Cell(f.label, "", masked=True)
                if not ok
                else Cell(
                    f.label,
                    vn_decimal(f.value) if f.value and _is_decimal(section, n) else f.value,
                    f.missing,
                )
                for f, n, ok in zip(row, section.fields, can, strict=True)
            ]
            for row in s.rows
        ]
        headers = list(s.headers)
        if section.many and rows:
            # A column empty in every row tells the reader nothing and crowds wide histories
            # (family has eleven): keep only columns with a value, a mask or a missing mark.
            keep = [
                i
                for i in range(len(headers))
                if any(r[i].value or r[i].masked or r[i].missing for r in rows)
            ]
            headers = [headers[i] for i in keep]
            rows = [[r[i] for i in keep] for r in rows]
        own = [c for c in visible_missing if c == s.key or c.startswith(f"{s.key}.")]
        # A field can only be highlighted in place when its row exists.
        flagged = s.key in own or (bool(own) and not rows)
        sections.append(
            SectionView(
                key=s.key,
                title=s.title,
                items=form_items_label(s.form_items),
                many=s.many,
                headers=headers,
                rows=rows,
                missing=flagged,
                missing_names=[name_of("required_field", c) for c in own] if flagged else [],
                mask_notes=notes.get(s.key, []),
            )
        )
    items, findings_hidden = dossier_findings(access, editable=editable)
    return DossierView(
        person=person,
        header=_header(access),
        sections=sections,
        completeness=person.completeness,
        missing=[(c.partition(".")[0], name_of("required_field", c)) for c in visible_missing],
        missing_hidden=missing_hidden or bool(findings_hidden),
        findings={k: [i for i in items if i.kind == k] for k in (MISSING, FORMAT, COMPONENT)},
        findings_hidden=findings_hidden,
    )


def document_refusal(access: policies.DossierAccess, sensitivity: str, section: str = "") -> str:
    """ "" when this reader may have a copy of a document of `sensitivity` (a scan or the
    résumé: all or nothing, `DossierAccess.can_see_document`); else which approval is missing,
    in the words of the masks, so the page says it instead of offering a copy it would refuse."""
    if access.can_see_document(sensitivity, section):
        return ""
    classes = policies.field_classes()
    wanting = policies.fields_up_to(sensitivity, [section] if section else None) - access.fields
    top = max((classes[f] for f in wanting), key=policies.RANK.__getitem__, default=sensitivity)
    label = Sensitivity(top).label if top in Sensitivity.values else top
    return (
        f"Cần văn bản phê duyệt cho phép xem thông tin mức «{label}»: bản sao in mọi thông tin "
        "đến mức đó, không che được từng trường."
    )


@dataclass(frozen=True)
class Withheld:
    count: int
    reason: str


def documents_withheld(access: policies.DossierAccess) -> Withheld | None:
    """The scans of this dossier its reader may not open (listed as withheld, with the
    approval missing, instead of being left out without a word)."""
    reasons = [
        document_refusal(access, c.sensitivity, c.section)
        for c in document_selectors.components_withheld(access)
    ]
    return Withheld(len(reasons), sorted(set(reasons))[0]) if reasons else None
