"""The masking primitives pages, the API and exports share (R-FIELD-CLASS)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hoso.access import masking
from hoso.people.sections import BY_KEY


@dataclass(frozen=True)
class Seen:
    """An access decision reduced to what masking asks of it."""

    fields: frozenset[str]

    def can_see(self, field_id: str) -> bool:
        return field_id in self.fields


def test_a_history_section_none_of_whose_fields_is_visible_is_left_out():
    assert not masking.section_visible(Seen(frozenset()), "discipline")
    first = BY_KEY["discipline"].fields[0]
    assert masking.section_visible(Seen(frozenset({f"discipline.{first}"})), "discipline")


def test_a_single_section_always_shows_its_hidden_fields_masked():
    assert masking.section_visible(Seen(frozenset()), "identity")
    assert masking.field_flags(Seen(frozenset({"identity.full_name"})), "identity") == [
        name == "full_name" for name in BY_KEY["identity"].fields
    ]


@pytest.mark.django_db
def test_the_notes_of_a_section_name_each_missing_approval_once():
    everything_but_phone = frozenset(
        f"identity.{n}" for n in BY_KEY["identity"].fields if n != "phone"
    )
    notes = masking.section_notes(Seen(everything_but_phone), "identity")
    assert notes == [masking.mask_note(masking.field_classes()["identity.phone"])]
    assert "văn bản phê duyệt" in notes[0]
    assert masking.masked_notes(Seen(everything_but_phone))["identity.phone"] == notes[0]
    assert masking.section_notes(Seen(everything_but_phone | {"identity.phone"}), "identity") == []
