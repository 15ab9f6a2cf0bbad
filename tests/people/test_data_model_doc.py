"""docs/data-model.md gives every Mẫu 2C item and NĐ 27 data group its home, and stays true."""

from pathlib import Path

from hoso.people.datamodel_doc import render
from hoso.people.forms_map import DATA_GROUPS_ND27, FORM_2C
from hoso.people.sections import BY_KEY

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def test_every_form_item_and_data_group_is_mapped_to_existing_fields():
    items = {k.rstrip("ab").split(".")[0] for k in FORM_2C}
    assert items == {str(n) for n in range(0, 33)}
    assert set(DATA_GROUPS_ND27) == set(range(1, 11))
    for _title, refs in FORM_2C.values():
        for ref in refs:
            section, _, name = ref.partition(".")
            assert name in BY_KEY[section].fields, ref
    for _title, keys in DATA_GROUPS_ND27.values():
        assert all(k in BY_KEY for k in keys)


def test_the_committed_document_matches_the_code(db):
    assert DOC.read_text(encoding="utf-8") == render() + "\n", (
        "docs/data-model.md is stale: run `hoso datamodel --output docs/data-model.md`"
    )
