"""One box, accent-insensitive, Vietnamese order, filters and scope (R-FAST)."""

from datetime import date

from django.db.models import Q

from hoso.people.selectors import SearchFilters, people_search

EVERYONE = ~Q(pk__in=[])
ON = date(2026, 11, 21)


def names(qs):
    return [p.full_name for p in qs]


def test_search_ignores_diacritics_and_d_stroke(make_dossier):
    make_dossier(full_name="Nguyễn Văn An")
    make_dossier(full_name="Đặng Thị Hoa", sex="F")
    make_dossier(full_name="Trần Văn Dũng")
    assert names(people_search(scope=EVERYONE, q="nguyen van an")) == ["Nguyễn Văn An"]
    assert names(people_search(scope=EVERYONE, q="dang")) == ["Đặng Thị Hoa"]
    assert names(people_search(scope=EVERYONE, q="ĐẶNG")) == ["Đặng Thị Hoa"]
    assert names(people_search(scope=EVERYONE, q="Nguyễn Văn An")) == ["Nguyễn Văn An"]


def test_words_match_word_starts_in_any_order(make_dossier):
    make_dossier(full_name="Nguyễn Văn An")
    make_dossier(full_name="Nguyễn Văn Anh")
    make_dossier(full_name="Lê Thanh Nhàn")
    assert names(people_search(scope=EVERYONE, q="an nguyen")) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
    ]
    # "an" starts words only, so "Nhàn" is not found.
    assert "Lê Thanh Nhàn" not in names(people_search(scope=EVERYONE, q="an"))


def test_search_by_personal_id_whole_or_prefix(make_dossier):
    person = make_dossier(full_name="Phạm Minh Tuấn")
    make_dossier(full_name="Hoàng Văn Nam")
    assert names(people_search(scope=EVERYONE, q=person.personal_id)) == ["Phạm Minh Tuấn"]
    assert "Phạm Minh Tuấn" in names(people_search(scope=EVERYONE, q=person.personal_id[:6]))


def test_search_by_unit_and_rank_names(make_dossier):
    make_dossier(full_name="Vũ Văn Hải", unit="T01.XA")
    make_dossier(full_name="Bùi Thị Lan", sex="F")
    assert names(people_search(scope=EVERYONE, q="xa hoa binh")) == ["Vũ Văn Hải"]
    assert len(people_search(scope=EVERYONE, q="chuyen vien")) == 2


def test_results_are_in_vietnamese_order_given_name_first(make_dossier):
    for name in ["Trần Văn Bình", "Nguyễn Văn Đức", "Lê Thị Anh", "Phạm Văn Dũng", "Vũ Văn An"]:
        make_dossier(full_name=name)
    assert names(people_search(scope=EVERYONE)) == [
        "Vũ Văn An",
        "Lê Thị Anh",
        "Trần Văn Bình",
        "Phạm Văn Dũng",
        "Nguyễn Văn Đức",
    ]


def test_filters_unit_subtree_sex_age_party(make_dossier, orgs):
    make_dossier(full_name="Ngô Văn Một", unit="T01.STC.NS", birth_date=date(1990, 1, 1))
    make_dossier(
        full_name="Đỗ Thị Hai",
        unit="T01.XA",
        sex="F",
        birth_date=date(1970, 6, 1),
        party=[{"admission_date": "1995-01-01", "official_date": "1996-01-01"}],
    )
    make_dossier(full_name="Hồ Văn Ba", unit="B01.VP", birth_date=date(1980, 1, 1))

    def run(**kw):
        return names(people_search(scope=EVERYONE, filters=SearchFilters(**kw), on=ON))

    assert run(unit=orgs["finance"]) == ["Ngô Văn Một"]  # the division is inside the department
    assert set(run(unit=orgs["province"])) == {"Ngô Văn Một", "Đỗ Thị Hai"}
    assert run(sex="F") == ["Đỗ Thị Hai"]
    assert run(age_min=50) == ["Đỗ Thị Hai"]
    assert set(run(age_max=46)) == {"Ngô Văn Một", "Hồ Văn Ba"}
    assert run(age_min=46, age_max=46) == ["Hồ Văn Ba"]
    assert run(party_member=True) == ["Đỗ Thị Hai"]
    assert run(ethnicity="01", qualification="bachelor", staff_category="civil_servant")


def test_scope_limits_everything(make_dossier, orgs):
    make_dossier(full_name="Nguyễn Văn An", unit="T01.STC")
    make_dossier(full_name="Nguyễn Văn Bắc", unit="B01.VP")
    only_ministry = Q(current_unit__path__startswith=orgs["ministry"].path)
    assert names(people_search(scope=only_ministry, q="nguyen")) == ["Nguyễn Văn Bắc"]
    assert names(people_search(scope=Q(pk__in=[]), q="nguyen")) == []
