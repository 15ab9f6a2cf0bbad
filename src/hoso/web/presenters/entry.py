"""Read-only helpers of the entry pages: the catalogs the section forms pick from, the units
searched as one types, and the dossier being entered laid out section by section in the
order of Mẫu 2C (`people.sections.SECTIONS`, `people.forms_map.FORM_2C`).

Dossier values reach these helpers only as the gate let the writer see them (a
`DossierAccess`'s content, or what the writer typed into their own draft)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hoso.catalog.selectors import catalog_list, entries
from hoso.orgs.models import Organization
from hoso.orgs.selectors import unit_labels, valid_on
from hoso.people.forms_map import FORM_2C
from hoso.people.sections import SECTIONS, Section, field_label
from hoso.people.selectors import display_value
from hoso.people.validation import CODED_FIELDS, PERIODS

UNIT_RESULTS = 20


def catalog_options(on: date) -> dict[str, list[tuple[str, str]]]:
    """Every catalog a section form picks from: code → name, those valid on `on`."""
    out = {
        c: list(entries(c, on=on).values_list("code", "name"))
        for c in sorted(set(CODED_FIELDS.values()))
    }
    # Places of birth and home towns name the provinces of before the 2025 merger too.
    current = list(entries("province", on=on).values_list("code", "name"))
    known = {code for code, _ in current}
    former = [
        (code, f"{name} (trước 2025)")
        for code, name in entries("province_old").values_list("code", "name")
        if code not in known
    ]
    out["province"] = current + former
    return out


def catalog_titles() -> dict[str, str]:
    return {c.pk: c.title for c in catalog_list()}


def unit_names() -> dict[str, str]:
    return unit_labels()


def units_found(q: str, on: date) -> list[dict[str, str]]:
    """Units whose code starts with, or whose name contains, `q` (reference data: the tree is
    public to every signed-in user, as on the organization pages)."""
    labels = unit_labels()
    text = q.strip()
    qs = Organization.objects.filter(valid_on(on)).order_by("path")
    if text:
        words = text.casefold().split()
        matches = [
            code
            for code, label in labels.items()
            if all(w in label.casefold() or code.casefold().startswith(w) for w in words)
        ]
        qs = qs.filter(code__in=matches)
    return [{"code": o.code, "name": labels.get(o.code, o.name)} for o in qs[:UNIT_RESULTS]]


def form_kwargs(on: date) -> dict[str, Any]:
    """What every section form of a page is built with (read once per page)."""
    return {
        "catalogs": catalog_options(on),
        "catalog_titles": catalog_titles(),
        "units": unit_names(),
    }


def visible_names(section: Section, can_see: Any) -> list[str]:
    return [n for n in section.fields if can_see(f"{section.key}.{n}")]


def form_items(section: Section) -> str:
    """The Mẫu 2C items a section fills, as "Mục 1, 2, 3"."""
    items = [i for i in section.form_items if i != "0"]
    return ("Mục " + ", ".join(items)) if items else "Ngoài Mẫu 2C"


def _form_order(section: Section) -> tuple[float, int]:
    numbers = [float(i) for i in section.form_items if i.replace(".", "").isdigit() and i != "0"]
    return (min(numbers) if numbers else 99.0, SECTIONS.index(section))


def sections_in_form_order() -> list[Section]:
    """The sections in the order of Mẫu 2C: the items they fill (the header "0" with the
    first), those outside the form last."""
    return sorted(SECTIONS, key=_form_order)


@dataclass
class SectionCard:
    section: Section
    items: str
    filled: int  # fields with a value (single sections) or rows (history sections)
    total: int
    changed: bool  # the draft changes it
    problems: list[str] = field(default_factory=list)


def section_cards(
    working: dict[str, Any],
    *,
    can_see: Any,
    changed: set[str],
    problems: dict[str, list[str]] | None = None,
) -> list[SectionCard]:
    out = []
    for section in sections_in_form_order():
        names = visible_names(section, can_see)
        if not names:
            continue
        value = working.get(section.key)
        if section.many:
            filled, total = len(value or []), 0
        else:
            filled = sum(1 for n in names if (value or {}).get(n) not in (None, "", False))
            total = len(names)
        out.append(
            SectionCard(
                section=section,
                items=form_items(section),
                filled=filled,
                total=total,
                changed=section.key in changed,
                problems=(problems or {}).get(section.key, []),
            )
        )
    return out


@dataclass(frozen=True)
class RowView:
    index: int
    cells: list[str]
    added: bool  # the draft's own row (may be removed)
    corrected: bool


def row_views(
    section: Section,
    rows: list[dict[str, Any]],
    names: list[str],
    *,
    kept: int,
    corrected: set[int],
    units: dict[str, str],
    creating: bool,
) -> list[RowView]:
    return [
        RowView(
            index=i,
            cells=[display_value(section, n, row.get(n), units) or "—" for n in names],
            added=creating or i >= kept,
            corrected=i in corrected,
        )
        for i, row in enumerate(rows)
    ]


def endable(section: Section) -> bool:
    """Whether a row of the section is a period one ends (by giving its end date)."""
    return section.key in PERIODS and PERIODS[section.key][1].endswith(("to_date", "_to"))


def headers(section: Section, names: list[str]) -> list[str]:
    return [field_label(section, n) for n in names]


def problems_by_section(problems: list[Any]) -> dict[str, list[str]]:
    """A refusal's problems by the section they name (`training[2].from_date` → training)."""
    out: dict[str, list[str]] = {}
    for p in problems:
        key = (p.field or "").split(".")[0].split("[")[0]
        out.setdefault(key, []).append(p.message)
    return out


def form_item_titles(section: Section) -> list[str]:
    return [f"{i}. {FORM_2C[i][0]}" for i in section.form_items if i in FORM_2C and i != "0"]

