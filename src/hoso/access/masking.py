"""What the gate did not allow is masked, the same way everywhere (R-FIELD-CLASS).

Pages, the API, search results and exports all show a dossier through these functions: a
hidden field becomes `None` with a Vietnamese note naming the missing approval; a history
section none of whose fields may be seen is left out entirely, since even its row count says
something (a discipline, an arrest).
"""

from __future__ import annotations

from typing import Any, Protocol

from hoso.access.models import Sensitivity
from hoso.catalog.selectors import attrs_map
from hoso.people.sections import BY_KEY, SECTIONS, all_field_ids


class DossierAccess(Protocol):
    """What masking asks of an access decision (`access.policies.DossierAccess`, which calls
    these functions: a Protocol, so this module does not import the gate back)."""

    def can_see(self, field_id: str) -> bool: ...

    @property
    def masked(self) -> dict[str, str]: ...


def field_classes() -> dict[str, str]:
    """`section.field` → class; an unclassified field counts as the highest class."""
    known = attrs_map("field_class")
    return {
        f: known.get(f, {}).get("class") or Sensitivity.SECRET_CANDIDATE for f in all_field_ids()
    }


def mask_note(field_class: str) -> str:
    """What a reader is told in place of a hidden field of class `field_class`."""
    label = Sensitivity(field_class).label if field_class in Sensitivity.values else field_class
    return f"Đã che: cần văn bản phê duyệt cho phép xem thông tin mức «{label}»."


def masked_notes(access: DossierAccess) -> dict[str, str]:
    """Every field hidden from this reader → its note (`DossierAccess.masked`)."""
    return {f: mask_note(cls) for f, cls in field_classes().items() if not access.can_see(f)}


def field_flags(access: DossierAccess, section_key: str) -> list[bool]:
    """Whether each field of the section (in its order) may be shown to this reader."""
    return [access.can_see(f"{section_key}.{name}") for name in BY_KEY[section_key].fields]


def section_visible(access: DossierAccess, section_key: str) -> bool:
    """Whether the section is shown at all: a history section none of whose fields may be
    seen is left out (even its row count says something); a single section always shows,
    its hidden fields masked."""
    return not BY_KEY[section_key].many or any(field_flags(access, section_key))


def section_notes(access: DossierAccess, section_key: str) -> list[str]:
    """The distinct mask notes of the section's hidden fields, sorted."""
    classes = field_classes()
    return sorted(
        {
            mask_note(classes[f"{section_key}.{name}"])
            for name, shown in zip(
                BY_KEY[section_key].fields, field_flags(access, section_key), strict=True
            )
            if not shown
        }
    )


def item_visible(access: DossierAccess, code: str) -> bool:
    """A required item ("section.field", or a whole "section") may be named to this reader:
    its field is visible, or some field of its section is."""
    key, _, name = code.partition(".")
    if name:
        return access.can_see(code)
    return bool(visible_fields(access, key))


def visible_fields(access: DossierAccess, key: str) -> list[str]:
    """The fields of section `key` this reader may see, in registry order."""
    return [f for f in BY_KEY[key].fields if access.can_see(f"{key}.{f}")]


def section_mask_notes(access: DossierAccess) -> dict[str, list[str]]:
    """Section key → the distinct notes of its fields hidden from this reader."""
    notes: dict[str, set[str]] = {}
    for field_id, note in access.masked.items():
        notes.setdefault(field_id.partition(".")[0], set()).add(note)
    return {key: sorted(found) for key, found in notes.items()}


def masked_dossier(access: DossierAccess, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for section in SECTIONS:
        visible = visible_fields(access, section.key)
        value = data.get(section.key)
        if section.many:
            out[section.key] = (
                [
                    {f: (row.get(f) if f in visible else None) for f in section.fields}
                    for row in value or []
                ]
                if visible
                else []
            )
        elif value is None:
            out[section.key] = None
        else:
            out[section.key] = {f: (value.get(f) if f in visible else None) for f in section.fields}
    return out


SUMMARY_FIELDS = {
    "full_name": "identity.full_name",
    "birth_date": "identity.birth_date",
    "sex": "identity.sex",
    "staff_category": "employment.staff_category",
    "unit": "employment.current_unit",
    "rank": "salary.rank_code",
    "position": "positions.position_code",
}


def summary_visible(access: DossierAccess | None) -> set[str]:
    """Which columns of a search result row may be shown."""
    if access is None:
        return set()
    return {column for column, field_id in SUMMARY_FIELDS.items() if access.can_see(field_id)}


def summary_masked(access: DossierAccess) -> dict[str, str]:
    """The summary columns' fields hidden from this reader, each with its mask note."""
    masked = access.masked
    return {f: masked[f] for f in SUMMARY_FIELDS.values() if f in masked}


# The dossier page's header: its value → the field that opens it.
HEADER_FIELDS = {
    "managing_agency": "employment.managing_agency",
    "current_unit": "employment.current_unit",
    "file_number": "employment.file_number",
    "personal_id": "identity.personal_id",
    "full_name": "identity.full_name",
    "birth_date": "identity.birth_date",
    "sex": "identity.sex",
    "status": "employment.status",
    "secret_label": "protection.secret_label",
}


def header_visible(access: DossierAccess) -> set[str]:
    """Which values of the dossier page's header may be shown."""
    return {key for key, field_id in HEADER_FIELDS.items() if access.can_see(field_id)}
