"""The cited code tables behind the personal identification number (R-POPULATION, DOMAIN.md)."""

import json
import os
import subprocess
import sys
import unicodedata
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from hoso.identity import province_codes
from hoso.identity.tables import DATA_FILE, IdentityDataError, _parse, tables

# Independent oracle: the 63 legacy codes of TT 07/2016/TT-BCA exactly as DOMAIN.md spells them.
LEGACY_CODES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu", "079": "TP.HCM", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip


def _raw_document() -> dict:
    path = resources.files("hoso.identity").joinpath("data", DATA_FILE)
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_data_file_ships_inside_the_package():
    assert resources.files("hoso.identity").joinpath("data", DATA_FILE).is_file()


def test_the_province_table_cites_its_circular_and_start_date():
    document = _raw_document()
    assert "07/2016/TT-BCA" in document["legal_basis"]
    assert "59/2021/TT-BCA" in document["legal_basis"]
    assert date.fromisoformat(document["valid_from"]) == tables().valid_from
    assert document["valid_to"] is None


def test_the_century_sex_table_cites_the_decree_article():
    section = _raw_document()["century_sex_digit"]
    assert "137/2015/NĐ-CP" in section["legal_basis"]
    assert "Điều 7" in section["legal_basis"]
    assert date.fromisoformat(section["valid_from"])


def test_there_are_exactly_the_63_legacy_province_codes():
    assert province_codes() == LEGACY_CODES
    assert len(province_codes()) == 63


def test_province_names_keep_their_diacritics_in_composed_form():
    for name in province_codes().values():
        assert unicodedata.is_normalized("NFC", name)
    assert province_codes()["046"] == "Thừa Thiên Huế"
    assert province_codes()["066"] == "Đắk Lắk"


def test_province_codes_are_listed_in_ascending_order_in_the_file():
    codes = [row["code"] for row in _raw_document()["provinces"]]
    assert codes == sorted(codes)


@pytest.mark.parametrize("digit", list("0123456789"))
def test_the_century_sex_table_follows_the_rule_of_the_decree(digit):
    entry = tables().century_sex_digits[digit]
    assert entry.century == 1900 + 100 * (int(digit) // 2)
    assert entry.sex == ("F" if int(digit) % 2 else "M")


def test_province_codes_returns_a_copy_the_caller_may_change():
    codes = province_codes()
    codes["999"] = "Nowhere"
    assert "999" not in province_codes()


def test_the_loaded_tables_are_read_only():
    with pytest.raises(TypeError):
        tables().provinces["999"] = "Nowhere"  # type: ignore[index]


def _document_with(**changes) -> dict:
    document = _raw_document()
    document.update(changes)
    return document


def test_a_duplicate_province_code_in_the_data_is_refused():
    rows = [{"code": "001", "name": "Hà Nội"}, {"code": "001", "name": "Hà Nội"}]
    with pytest.raises(IdentityDataError, match="duplicate province code 001"):
        _parse(_document_with(provinces=rows))


@pytest.mark.parametrize("row", [{"code": "1", "name": "Hà Nội"}, {"code": "001", "name": " "}])
def test_a_malformed_province_row_in_the_data_is_refused(row):
    with pytest.raises(IdentityDataError, match="bad province row"):
        _parse(_document_with(provinces=[row]))


def test_a_century_sex_table_missing_a_digit_is_refused():
    section = dict(_raw_document()["century_sex_digit"])
    section["digits"] = section["digits"][:9]
    with pytest.raises(IdentityDataError, match="cover digits 0-9"):
        _parse(_document_with(century_sex_digit=section))


def test_a_century_sex_table_with_two_digits_for_one_meaning_is_refused():
    section = dict(_raw_document()["century_sex_digit"])
    section["digits"] = [dict(row) for row in section["digits"]]
    section["digits"][9]["century"] = 1900
    section["digits"][9]["sex"] = "M"
    with pytest.raises(IdentityDataError, match="same century and sex"):
        _parse(_document_with(century_sex_digit=section))


def test_a_missing_legal_basis_is_refused():
    with pytest.raises(IdentityDataError, match="legal_basis"):
        _parse(_document_with(legal_basis=""))


def test_the_identity_package_imports_no_django():
    """Pure domain code (DESIGN.md rule 9): usable from scripts and benchmarks without settings."""
    script = "import sys, hoso.identity; sys.exit('django' in sys.modules)"
    command = [sys.executable, "-c", script]  # fixed command, no outside input
    completed = subprocess.run(command, env=_env_with_src(), check=False)  # noqa: S603
    assert completed.returncode == 0


def _env_with_src() -> dict[str, str]:
    source = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, *sys.path]))}
