"""Accent-insensitive keys and Vietnamese name order (DESIGN.md cross-cutting rules)."""

from hypothesis import given
from hypothesis import strategies as st

from hoso.core.text import clean_name, name_sort_key, normalize, split_name


def test_normalize_strips_every_diacritic_and_maps_d_stroke():
    assert normalize("Nguyễn Văn Ánh") == "nguyen van anh"
    assert normalize("ĐẶNG đức") == "dang duc"
    assert normalize("  Trần   Thị  ") == "tran thi"


def test_normalize_is_idempotent_and_total():
    assert normalize(None) == ""
    assert normalize(normalize("Phạm Thị Ngọc Ánh")) == "pham thi ngoc anh"


@given(st.text())
def test_normalize_never_fails_and_leaves_no_combining_marks(text):
    import unicodedata

    out = normalize(text)
    assert not any(unicodedata.combining(ch) for ch in out)
    assert "đ" not in out


def test_names_are_split_family_middle_given():
    assert split_name("nguyễn  văn   an") == ("Nguyễn", "Văn", "An")
    assert split_name("Lê An") == ("Lê", "", "An")
    assert clean_name("  trần THỊ   ánh ") == "Trần Thị Ánh"


def _sorted(names):
    return sorted(names, key=name_sort_key)


def test_given_name_decides_before_family_name():
    assert _sorted(["Trần Văn Bình", "Nguyễn Văn An"]) == ["Nguyễn Văn An", "Trần Văn Bình"]
    assert _sorted(["Vũ Thị Anh", "Lê Văn An"]) == ["Lê Văn An", "Vũ Thị Anh"]


def test_middle_name_decides_before_family_name():
    assert _sorted(["Nguyễn Văn An", "Trần Thị An"]) == ["Trần Thị An", "Nguyễn Văn An"]


def test_vietnamese_alphabet_orders_modified_letters_after_plain_ones():
    # a < ă < â, d < đ, o < ô < ơ, u < ư (Vietnamese alphabet), not Unicode order.
    assert _sorted(["Lê Ân", "Lê Ăn", "Lê An"]) == ["Lê An", "Lê Ăn", "Lê Ân"]
    assert _sorted(["Lê Đức", "Lê Dũng", "Lê Em"]) == ["Lê Dũng", "Lê Đức", "Lê Em"]
    assert _sorted(["Lê Ưng", "Lê Uyên"]) == ["Lê Uyên", "Lê Ưng"]


def test_tones_only_break_ties_in_dictionary_order():
    # ngang < huyền < hỏi < ngã < sắc < nặng
    names = ["Lê Mạ", "Lê Má", "Lê Mã", "Lê Mả", "Lê Mà", "Lê Ma"]
    assert _sorted(names) == ["Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ"]
    # A letter difference outweighs any tone difference.
    assert _sorted(["Lê Ánh", "Lê Anh"]) == ["Lê Anh", "Lê Ánh"]
    assert _sorted(["Lê Ánh", "Lê Ao"]) == ["Lê Ánh", "Lê Ao"]


def test_sort_key_uses_only_digits_so_any_collation_agrees():
    assert name_sort_key("Đặng Thị Ánh Nguyệt").isdigit()
