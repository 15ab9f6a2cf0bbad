"""Catalogs are dated data loaded by a command; a bad file changes nothing (R-NATIONAL)."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoso.catalog import selectors
from hoso.catalog.models import CatalogEntry
from hoso.catalog.services import builtin_files, catalog_load_files
from hoso.core.errors import ValidationFailed


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def doc(entries, valid_from="2020-01-01"):
    return {
        "catalog": "test_rank",
        "title": "Ngạch thử",
        "legal_basis": "Thông tư thử 01/2020",
        "valid_from": valid_from,
        "entries": entries,
    }


def test_builtin_catalogs_are_loaded_with_legal_basis(db):
    expected = {
        "ethnicity",
        "religion",
        "rank",
        "pay_group",
        "position",
        "decision_type",
        "qualification",
        "province",
        "province_old",
        "commune",
        "field_class",
        "required_field",
        "sensitivity_class",
        "staff_category",
    }
    loaded = set(selectors.catalog_list().values_list("name", flat=True))
    assert expected <= loaded
    assert selectors.entries("ethnicity").count() == 54
    assert selectors.entries("province_old").count() == 63
    assert selectors.entries("province", on=date(2026, 1, 1)).count() == 34
    assert selectors.entries("commune").count() == 3321
    assert all(c.legal_basis for c in selectors.catalog_list())


def test_old_provinces_map_to_new_ones(db):
    new_codes = set(selectors.entries("province").values_list("code", flat=True))
    for entry in selectors.entries("province_old"):
        assert entry.valid_to == date(2025, 6, 30)
        assert entry.attrs["new_code"] in new_codes, entry.name


def test_every_builtin_file_is_valid_json_with_required_keys():
    for path in builtin_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["catalog"] == path.stem, path.name
        assert data["legal_basis"] and data["entries"], path.name


def test_loading_twice_changes_nothing(db, tmp_path):
    path = write(tmp_path, "a.json", doc([{"code": "X1", "name": "Chuyên viên"}]))
    [first] = catalog_load_files(paths=[path])
    [second] = catalog_load_files(paths=[path])
    assert first.created == 1
    assert (second.created, second.updated, second.versioned, second.unchanged) == (0, 0, 0, 1)


def test_a_later_version_closes_the_earlier_one_the_day_before(db, tmp_path):
    catalog_load_files(paths=[write(tmp_path, "a.json", doc([{"code": "X1", "name": "Cũ"}]))])
    newer = doc([{"code": "X1", "name": "Mới"}], valid_from="2025-07-01")
    [report] = catalog_load_files(paths=[write(tmp_path, "b.json", newer)])
    assert report.versioned == 1
    old, new = CatalogEntry.objects.filter(catalog_id="test_rank").order_by("valid_from")
    assert (old.name, old.valid_to) == ("Cũ", date(2025, 6, 30))
    assert (new.name, new.valid_to) == ("Mới", None)
    assert [e.name for e in selectors.entries("test_rank", on=date(2024, 1, 1))] == ["Cũ"]
    assert [e.name for e in selectors.entries("test_rank", on=date(2026, 1, 1))] == ["Mới"]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ({"entries": [{"code": "A", "name": "x"}, {"code": "A", "name": "y"}]}, "duplicate_code"),
        ({"entries": [{"code": "A"}]}, "bad_entry"),
        ({"entries": [{"code": "A", "name": "x", "valid_from": "2020-13-01"}]}, "bad_date"),
        ({"entries": [{"code": "A", "name": "x", "valid_to": "2019-01-01"}]}, "period_reversed"),
        ({"entries": [{"code": "A", "name": "x", "parent": "Z"}]}, "unknown_parent"),
        ({"legal_basis": ""}, "missing_key"),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_specific_reason(db, tmp_path, bad, code):
    good = write(
        tmp_path, "good.json", {**doc([{"code": "G", "name": "Tốt"}]), "catalog": "good_one"}
    )
    broken = write(tmp_path, "bad.json", {**doc([{"code": "B", "name": "x"}]), **bad})
    with pytest.raises(ValidationFailed) as caught:
        catalog_load_files(paths=[good, broken])
    assert code in {p.code for p in caught.value.problems}
    # Nothing of either file was written.
    assert not CatalogEntry.objects.filter(catalog_id__in=["good_one", "test_rank"]).exists()


def test_the_command_reports_a_broken_json_file_in_vietnamese(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="không đọc được JSON"):
        call_command("catalog", "load", str(path))


def test_the_command_loads_a_new_catalog_file_without_a_release(db, tmp_path, capsys):
    path = write(tmp_path, "new.json", doc([{"code": "N1", "name": "Ngạch mới"}]))
    call_command("catalog", "load", str(path))
    assert selectors.name_of("test_rank", "N1") == "Ngạch mới"
