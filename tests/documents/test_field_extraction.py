"""Reading key fields off OCR text (pure): résumés (Mẫu 2C) and decisions, as OCR gives them
— wrapped lines, extra spaces, stray marks, lost or wrong diacritics."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.core.text import clean_name
from hoso.documents.extraction import (
    ExtractedFields,
    KnownDecision,
    Mismatch,
    decision_mismatches,
    extract_fields,
    identity_mismatches,
    number_key,
    same_name,
)

# What tesseract (vie) made of a scanned, turned, noisy Mẫu 2C page: the long name wraps.
RESUME_OCR = """SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC

1) Họ và tên khai sinh (viết chữ in hoa): NGUYỄN THỊ HỒNG
NHUNG

2) Tên gọi khác: Không
3) Sinh ngày: 13 tháng 03 năm 1985, Giới tính: Nữ

Số định danh cá nhân: 001185012345
"""

DECISION_OCR = """ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
THÀNH PHỐ HÀ NỘI               Độc lập - Tự do - Hạnh phúc
Số: 125/QĐ-UBND              Hà Nội, ngày 05 tháng 6 năm 2026

QUYẾT ĐỊNH
Về việc bổ nhiệm công chức
CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Xét đề nghị của ông Giám đốc Sở Nội vụ,
QUYẾT ĐỊNH:
Điều 1. Bổ nhiệm bà Nguyễn Thị Hồng Nhung, sinh ngày 12/03/1985, giữ chức vụ Phó
Trưởng phòng Ngân sách, Sở Tài chính.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng, Giám đốc Sở Nội vụ và bà Nguyễn Thị Hồng
Nhung chịu trách nhiệm thi hành Quyết định này.
"""


def test_a_resume_as_ocr_read_it_gives_every_field():
    read = extract_fields(RESUME_OCR)
    assert read == ExtractedFields(
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=date(1985, 3, 13),
        personal_id="001185012345",
    )


def test_a_decision_as_ocr_read_it_gives_number_date_and_person():
    read = extract_fields(DECISION_OCR)
    assert read.decision_number == "125/QĐ-UBND"
    assert read.decision_date == date(2026, 6, 5)  # not the law's date, not "ngày ký"
    assert read.full_name == "Nguyễn Thị Hồng Nhung"  # not "ông Giám đốc", not "Chánh Văn"
    assert read.birth_date == date(1985, 3, 12)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # OCR swapped a tone mark: read as it is, compared without diacritics below.
        ("1) Họ và tên khai sinh (viết chữ in hoa): NGUYỄN THỊ HÃNG", "Nguyễn Thị Hãng"),
        ("Ho va ten khai sinh (viet chu in hoa): TRAN VAN BINH", "Tran Van Binh"),
        ("1) Họ  và  tên khai sinh (viết chữ in hoa) :  LÊ   VĂN. CƯỜNG |", "Lê Văn Cường"),
        ("Họ và tên khai sinh (viết chữ in hoa): ĐẶNG ÁNH TUYẾT   Nam, nữ: Nữ", "Đặng Ánh Tuyết"),
        (
            "Họ và tên khai sinh (viết chữ in hoa):\nPHẠM QUỐC\nKHÁNH\n2) Tên gọi khác:",
            "Phạm Quốc Khánh",
        ),
        ("Họ và tên khai sinh: Hoàng Thu Hà", "Hoàng Thu Hà"),
        (
            "Họ và tên khai sinh (viết chữ in hoa): NGUYỄN THỊ\nHỒNG NHUNG 2) Tên gọi khác",
            "Nguyễn Thị Hồng Nhung",
        ),
        (
            "Họ và tên khai sinh (viết chữ in hoa): TRẦN VĂN AN\nSƠ YẾU LÝ LỊCH BỔ SUNG ĐỢT MỘT",
            "Trần Văn An",
        ),
        ("Họ và tên | Năm sinh | Quê quán", ""),
        ("1) Họ vả tên khai sinh (viết chữ in hoa): NGUYÊN VĂN AN", "Nguyên Văn An"),
        # Decomposed Unicode (NFD), as some OCR engines emit.
        (unicodedata.normalize("NFD", "Họ và tên khai sinh: TRẦN THỊ HẰNG"), "Trần Thị Hằng"),
        ("Điều 1. Tiếp nhận ông Vũ Đức Thành, sinh ngày 01/02/1980", "Vũ Đức Thành"),
        ("Điều 1. Bổ nhiệm bà Nguyễn Thị Hoa Chuyên viên Sở Tài chính", "Nguyễn Thị Hoa"),
        # Not names: one word, a title after "ông", a province.
        ("Họ và tên khai sinh (viết chữ in hoa): NHUNG", ""),
        ("Xét đề nghị của ông Giám đốc Sở Nội vụ và ông Chánh Văn phòng,", ""),
        ("Bà Rịa - Vũng Tàu, ngày 05 tháng 6 năm 2026", ""),
        ("Họ và tên khai sinh (viết chữ in hoa): N6UYỄN 7HỊ", ""),
    ],
)
def test_names_are_read_through_ocr_noise(text, name):
    assert extract_fields(text).full_name == name


def test_a_name_read_without_or_with_wrong_diacritics_is_the_same_name():
    assert same_name("Nguyễn Thị Hãng", "Nguyễn Thị Hằng")
    assert same_name("NGUYEN  THI HANG", "Nguyễn Thị Hằng")
    assert same_name("Đặng Văn An", "dang van an")
    assert not same_name("Nguyễn Thị Hằng", "Nguyễn Thị Hằng Nga")


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("3) Sinh ngày: 12 tháng 03 năm 1985, Giới tính: Nữ", date(1985, 3, 12)),
        ("Sinh ngày 12/03/1985", date(1985, 3, 12)),
        ("Ngày sinh: 2-3-1985", date(1985, 3, 2)),
        ("Sinh ngay : 12 thang 3 nam 1985", date(1985, 3, 12)),
        ("Sinh ngày: l2 tháng O3 năm 1985", date(1985, 3, 12)),  # l for 1, O for 0
        ("Sinh ngày: 12 . 03 . 1985", date(1985, 3, 12)),
        ("Sinh ngày: 12 tháng 03\nnăm 1985", date(1985, 3, 12)),
        ("Sinh ngày: 31 tháng 02 năm 1985", None),  # no such day: not read
        ("Sinh ngày: .... tháng .... năm ....", None),
        ("Sinh năm 1985", None),
    ],
)
def test_birth_dates_are_read_in_every_usual_form(text, born):
    assert extract_fields(text).birth_date == born


@pytest.mark.parametrize(
    ("text", "personal_id", "old_id"),
    [
        ("Số định danh cá nhân: 001185012345", "001185012345", ""),
        ("Số định danh cá nhân: 001 185 012 345", "001185012345", ""),
        ("Số CCCD: OO1185O12345", "001185012345", ""),
        ("Số thẻ Căn cước công dân: 001185012345, ngày cấp 10/05/2021", "001185012345", ""),
        ("Số CMND/CCCD: 001185012345", "001185012345", ""),
        ("Số CMND: 012345678", "", "012345678"),
        ("Số chứng minh nhân dân: 012 345 678 cấp ngày 01/01/2005", "", "012345678"),
        ("Số định danh cá nhân: 00118501234", "", ""),  # 11 digits: not read
        ("Số điện thoại: 0912345678", "", ""),
    ],
)
def test_id_numbers_are_read_only_when_labelled_and_complete(text, personal_id, old_id):
    read = extract_fields(text)
    assert (read.personal_id, read.old_id_number) == (personal_id, old_id)


@pytest.mark.parametrize(
    ("text", "number", "signed"),
    [
        ("Số: 125/QĐ-UBND     Hà Nội, ngày 05 tháng 6 năm 2026", "125/QĐ-UBND", date(2026, 6, 5)),
        ("Sô : 125 / QÐ - UBND\nHà Nội, ngày 5 tháng 06 năm 2026", "125/QĐ-UBND", date(2026, 6, 5)),
        (
            "Số: 07/2026/QĐ-BNV\nTP. Hồ Chí Minh, ngày 01/02/2026",
            "07/2026/QĐ-BNV",
            date(2026, 2, 1),
        ),
        ("Số: 3/QD-STC Hải Phòng ngày 09 tháng 1 năm 2026", "3/QD-STC", date(2026, 1, 9)),
        ("Có hiệu lực kể từ ngày 01 tháng 7 năm 2026.", "", None),
        ("Từ Liêm, ngày 02 tháng 01 năm 2026", "", date(2026, 1, 2)),
        ("- Từ ngày 01 tháng 9 năm 2008 đến ngày 30 tháng 6 năm 2011: chuyên viên", "", None),
        ("Căn cứ Nghị định số 138/2020/NĐ-CP ngày 27 tháng 11 năm 2020", "", None),
    ],
)
def test_decision_numbers_and_dates_are_read_from_the_header(text, number, signed):
    read = extract_fields(text)
    assert (read.decision_number, read.decision_date) == (number, signed)


def test_decision_numbers_compare_without_spaces_case_diacritics_or_leading_zeros():
    assert (
        number_key("125/QĐ-UBND") == number_key(" 125 / qd - ubnd ") == number_key("0125/QD-UBND")
    )
    assert number_key("125/QĐ-UBND") != number_key("126/QĐ-UBND")


@pytest.mark.parametrize("text", ["", "   \n\n", "QUYẾT ĐỊNH\nĐiều 1.", "\x00\ufffd|||"])
def test_nothing_is_read_from_text_without_fields(text):
    assert extract_fields(text).empty


IDENTITY = {
    "full_name": "Nguyễn Thị Hằng",
    "birth_date": "1985-03-12",
    "personal_id": "001185012345",
    "old_id_number": "",
}


def test_only_values_read_and_different_are_mismatches():
    assert identity_mismatches(ExtractedFields(), IDENTITY) == []
    same = ExtractedFields("Nguyễn Thị Hãng", date(1985, 3, 12), "001185012345")
    assert identity_mismatches(same, IDENTITY) == []
    other = ExtractedFields("Trần Thị Hằng", date(1985, 3, 13), "001185012346", "012345678")
    assert identity_mismatches(other, IDENTITY) == [
        Mismatch("identity.full_name", "Nguyễn Thị Hằng", "Trần Thị Hằng"),
        Mismatch("identity.birth_date", "12/03/1985", "13/03/1985"),
        Mismatch("identity.personal_id", "001185012345", "001185012346"),
        Mismatch("identity.old_id_number", "", "012345678"),
    ]


def test_a_decision_is_compared_with_its_linked_or_same_numbered_decision():
    known = [KnownDecision("125/QĐ-UBND", date(2026, 6, 5))]
    read = ExtractedFields(decision_number="125/QD-UBND", decision_date=date(2026, 6, 6))
    assert decision_mismatches(read, linked=[], known=known) == [
        Mismatch("career_events.signed_date", "05/06/2026", "06/06/2026")
    ]
    assert decision_mismatches(read, linked=known, known=[]) == [
        Mismatch("career_events.signed_date", "05/06/2026", "06/06/2026")
    ]
    other = ExtractedFields(decision_number="126/QĐ-UBND", decision_date=date(2026, 6, 5))
    assert decision_mismatches(other, linked=known, known=[]) == [
        Mismatch("career_events.decision_number", "125/QĐ-UBND", "126/QĐ-UBND")
    ]
    # A decision the e-dossier does not have at all; a date alone has nothing to compare to.
    assert decision_mismatches(other, linked=[], known=known) == [
        Mismatch("career_events.decision_number", "", "126/QĐ-UBND")
    ]
    assert (
        decision_mismatches(ExtractedFields(decision_date=date(2026, 1, 1)), linked=[], known=known)
        == []
    )


# --- Properties ---------------------------------------------------------------------------------

SYLLABLES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Thị", "Văn", "Hồng", "Nhung", "Hằng", "Thu", "Minh", "Ánh",
    "Quốc", "Khánh", "Tuấn", "Phương", "Ngọc", "Đức", "Yến", "Thành", "Bình", "An", "Cường",
    "Thủy", "Hưng", "Xuân", "Ưng", "Ơn",
]  # fmt: skip


@given(
    words=st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=6),
    wrap=st.integers(min_value=1, max_value=5),
    upper=st.booleans(),
    spaces=st.sampled_from([" ", "  ", "   "]),
)
def test_any_name_is_read_back_whole_even_wrapped(words, wrap, upper, spaces):
    name = " ".join(words)
    shown = [w.upper() if upper else w for w in words]
    if upper and wrap < len(words):  # a name in capitals wraps onto the next line
        written = spaces.join(shown[:wrap]) + "\n" + spaces.join(shown[wrap:])
    else:
        written = spaces.join(shown)
    text = f"1) Họ và tên khai sinh (viết chữ in hoa):{spaces}{written}\n\n2) Tên gọi khác: Không"
    read = extract_fields(text).full_name
    assert read == clean_name(name)
    assert same_name(read, name)


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@given(words=st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=6))
def test_a_name_read_without_diacritics_is_never_a_mismatch(words):
    name = " ".join(words)
    read = extract_fields(f"Họ và tên khai sinh: {_strip(name).upper()}")
    assert identity_mismatches(read, {**IDENTITY, "full_name": name}) == []


@given(
    born=st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
    form=st.sampled_from(["text", "/", "-", "."]),
    padded=st.booleans(),
    label=st.sampled_from(["Sinh ngày:", "3) Sinh ngày", "Ngày sinh:", "sinh ngay"]),
)
def test_any_birth_date_is_read_back_in_any_usual_form(born, form, padded, label):
    day, month = (f"{born.day:02d}", f"{born.month:02d}") if padded else (born.day, born.month)
    if form == "text":
        written = f"{day} tháng {month} năm {born.year}"
    else:
        written = f"{day}{form}{month}{form}{born.year}"
    assert extract_fields(f"{label} {written}, Giới tính: Nam").birth_date == born


@given(
    digits=st.text(alphabet="0123456789", min_size=12, max_size=12),
    groups=st.sampled_from([(12,), (3, 3, 3, 3), (4, 4, 4), (6, 6)]),
    label=st.sampled_from(["Số định danh cá nhân:", "Số CCCD:", "Số định danh cá nhân"]),
)
def test_any_personal_id_is_read_back_however_grouped(digits, groups, label):
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at : at + size])
        at += size
    assert extract_fields(f"{label} {' '.join(parts)}\n").personal_id == digits


@given(st.text())
def test_any_text_at_all_is_read_without_error(text):
    read = extract_fields(text)
    assert isinstance(read, ExtractedFields)
    assert read.personal_id == "" or len(read.personal_id) == 12
    assert read.full_name == "" or read.full_name == clean_name(read.full_name)


@given(
    number=st.integers(min_value=1, max_value=99999),
    agency=st.sampled_from(["UBND", "BNV", "STC", "SNV", "TTg"]),
    spaced=st.booleans(),
)
def test_a_decision_number_compares_equal_however_ocr_spaced_it(number, agency, spaced):
    written = f"{number} / QĐ - {agency}" if spaced else f"{number}/QĐ-{agency}"
    read = extract_fields(f"Số: {written}\nHà Nội, ngày 05 tháng 6 năm 2026").decision_number
    assert number_key(read) == number_key(f"{number}/QD-{agency.upper()}")
