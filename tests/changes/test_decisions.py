"""Personnel decisions: every type's effect on a real dossier, approved by another person
(R-10D-DECISION, R-LIVE), and the refusals (R-APPOINT-SAFE, bad dates, scope)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from tests.eligibility.helpers import eligible

from hoso.access.services import token_create
from hoso.changes import effects
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation, PersonnelDecision
from hoso.changes.services.changesets import changeset_approve, changeset_reject, current_data
from hoso.changes.services.decisions import decision_register
from hoso.core.dates import today as local_today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.models import Person

SIGNED, RECEIVED, EFFECTIVE = date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 15)
HEAD_OF_DIVISION = {
    "organization": "T01.STC",
    "position_code": "head_division_provincial",
    "is_main": True,
    "from_date": "2020-03-01",
}


def register(personas, person, decision_type, parameters=None, who="nhaplieu", **header):
    values = {
        "number": f"{decision_type}-01/QĐ-UBND",
        "signed_date": SIGNED,
        "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "received_date": RECEIVED,
        "effective_date": EFFECTIVE,
        **header,
    }
    return decision_register(
        acting_user=personas[who],
        decision_type=decision_type,
        personal_id=person.personal_id,
        parameters=parameters or {},
        **values,
    )


def apply(personas, person, decision_type, parameters=None, **header):
    """Register as the clerk, approve as the records manager; the dossier after."""
    decision = register(personas, person, decision_type, parameters, **header)
    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    return current_data(person.personal_id, acting_user=None)


def refused(call, code):
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert code in [p.code for p in caught.value.problems], caught.value.problems
    return caught.value


# --- The registry --------------------------------------------------------------------------------


def test_a_record_only_type_is_kept_without_a_change_or_a_duty(personas, make_dossier, monkeypatch):
    person = make_dossier()
    monkeypatch.setitem(effects.RECORD_ONLY, "planning", "Thử: chỉ lưu quyết định.")
    monkeypatch.delitem(effects.EFFECTS, "planning")
    decision = register(personas, person, "planning")
    assert decision.pk and decision.changeset is None
    assert not ChangeSet.objects.exists() and not Obligation.objects.exists()


def test_add_months_follows_the_civil_code():
    assert effects.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert effects.add_months(date(2027, 10, 31), 4) == date(2028, 2, 29)
    assert effects.add_months(date(2026, 10, 15), 12) == date(2027, 10, 15)
    assert effects.add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)


# --- Each effect, approved -----------------------------------------------------------------------


def test_registering_proposes_a_change_set_and_changes_nothing_yet(personas, make_dossier):
    person = make_dossier(**eligible("deputy_director_so"))
    decision = register(personas, person, "appointment", {"position_code": "deputy_director_so"})
    changeset = decision.changeset
    assert (changeset.status, changeset.source_kind, changeset.proposer) == (
        ChangeStatus.PROPOSED,
        "decision",
        personas["nhaplieu"],
    )
    assert "appointment-01/QĐ-UBND" in changeset.source_note
    assert Person.objects.get(pk=person.pk).current_position_code == ""


def test_appointment_ends_the_current_post_the_day_before_and_opens_the_new_one(
    personas, make_dossier
):
    person = make_dossier(**eligible("deputy_director_so"))
    data = apply(personas, person, "appointment", {"position_code": "deputy_director_so"})
    old, new = data["positions"]
    assert old["to_date"] == "2026-10-14" and old["position_code"] == ""
    assert new == {
        "organization": "T01.STC",
        "position_code": "deputy_director_so",
        "job_position": None,
        "is_main": True,
        "from_date": "2026-10-15",
        "to_date": None,
        "decision_number": "appointment-01/QĐ-UBND",
    }
    assert data["work_history"][0]["to_date"] == "2026-10-14"
    assert data["work_history"][1] | {"organization": "T01.STC"} == {
        "from_date": "2026-10-15",
        "to_date": None,
        "organization": "T01.STC",
        "unit_name": "Sở Tài chính",
        "title": "Phó Giám đốc Sở và tương đương",
    }
    (event,) = data["career_events"]
    assert (event["decision_type"], event["effective_date"], event["signed_date"]) == (
        "appointment",
        "2026-10-15",
        "2026-10-01",
    )
    assert "Phó Giám đốc Sở" in event["summary"]
    assert Person.objects.get(pk=person.pk).current_position_code == "deputy_director_so"


def test_appointment_to_another_unit_moves_the_current_unit(personas, make_dossier):
    person = make_dossier(**eligible("head_division_provincial"))
    data = apply(
        personas,
        person,
        "appointment",
        {"position_code": "head_division_provincial", "organization": "T01.STC.NS"},
    )
    assert data["employment"]["current_unit"] == "T01.STC.NS"
    assert data["positions"][-1]["organization"] == "T01.STC.NS"
    assert data["work_history"][-1]["unit_name"] == "Phòng Ngân sách"


def test_election_is_recorded_like_an_appointment(personas, make_dossier):
    person = make_dossier(unit="T01.STC", **eligible("director_so"))
    data = apply(personas, person, "election", {"position_code": "director_so"})
    assert data["positions"][-1]["position_code"] == "director_so"
    assert data["career_events"][0]["decision_type"] == "election"


def test_reappointment_starts_a_new_term_of_the_same_post(personas, make_dossier):
    person = make_dossier(positions=[HEAD_OF_DIVISION])
    data = apply(personas, person, "reappointment")
    first, second = data["positions"]
    assert first["to_date"] == "2026-10-14"
    assert (second["position_code"], second["from_date"], second["decision_number"]) == (
        "head_division_provincial",
        "2026-10-15",
        "reappointment-01/QĐ-UBND",
    )
    assert len(data["work_history"]) == 1  # the same work goes on


def test_reappointment_needs_a_leadership_post(personas, make_dossier):
    person = make_dossier()
    refused(lambda: register(personas, person, "reappointment"), "no_leadership_post")


@pytest.mark.parametrize("kind", ["dismissal_from_post", "resignation_from_post"])
def test_leaving_a_post_keeps_the_person_in_the_unit_without_the_post(personas, make_dossier, kind):
    person = make_dossier(positions=[HEAD_OF_DIVISION])
    data = apply(personas, person, kind)
    assert data["positions"][0]["to_date"] == "2026-10-14"
    assert data["positions"][1]["position_code"] == ""
    assert data["work_history"][-1]["title"] == "Chuyên viên"  # the rank's name
    assert Person.objects.get(pk=person.pk).current_position_code == ""


@pytest.mark.parametrize("kind", ["transfer", "rotation"])
def test_transfer_and_rotation_move_the_person_to_the_new_unit(personas, make_dossier, kind):
    person = make_dossier()
    data = apply(
        personas,
        person,
        kind,
        {"organization": "T01.XA", "position_code": "vice_chairman_commune"},
    )
    assert data["employment"]["current_unit"] == "T01.XA"
    assert data["positions"][0]["to_date"] == "2026-10-14"
    assert data["positions"][1]["organization"] == "T01.XA"
    assert data["work_history"][-1]["unit_name"] == "Ủy ban nhân dân xã Hòa Bình"
    assert data["career_events"][0]["decision_type"] == kind
    assert "xã Hòa Bình" in data["career_events"][0]["summary"]
    assert Person.objects.get(pk=person.pk).current_unit.code == "T01.XA"


def test_a_transfer_to_the_same_unit_is_refused(personas, make_dossier):
    person = make_dossier()
    refused(
        lambda: register(personas, person, "transfer", {"organization": "T01.STC"}), "same_unit"
    )


def test_secondment_adds_a_concurrent_post_and_keeps_the_home_unit(personas, make_dossier):
    person = make_dossier()
    data = apply(
        personas, person, "secondment", {"organization": "T01.XA", "to_date": "2027-10-14"}
    )
    main, seconded = data["positions"]
    assert main["to_date"] is None and main["is_main"]
    assert (seconded["organization"], seconded["is_main"], seconded["to_date"]) == (
        "T01.XA",
        False,
        "2027-10-14",
    )
    assert data["employment"]["current_unit"] == "T01.STC"
    assert data["work_history"][-1]["organization"] == "T01.XA"


def test_training_and_fostering_add_a_training_row(personas, make_dossier):
    person = make_dossier()
    apply(
        personas,
        person,
        "training",
        {"institution": "Học viện Tài chính", "field_of_study": "Kế toán", "mode": "in_service"},
    )
    data = apply(
        personas,
        person,
        "fostering",
        {"institution": "Học viện Hành chính Quốc gia", "to_date": "2026-11-15"},
        number="BD-02/QĐ",
    )
    training, fostering = data["training"][1:]
    assert (training["kind"], training["mode"], training["from_date"]) == (
        "professional",
        "in_service",
        "2026-10-15",
    )
    assert (fostering["kind"], fostering["mode"], fostering["to_date"]) == (
        "fostering",
        "short_course",
        "2026-11-15",
    )


def test_planning_adds_a_career_event(personas, make_dossier):
    person = make_dossier()
    data = apply(personas, person, "planning", {"position_code": "deputy_director_so"})
    assert data["career_events"][0]["summary"] == "Quy hoạch chức vụ Phó Giám đốc Sở và tương đương"


def test_regular_salary_raise_takes_the_next_step_and_its_coefficient_from_the_catalog(
    personas, make_dossier
):
    person = make_dossier(**eligible())  # 01.003 (A1), step 2 since 01/09/2011
    data = apply(personas, person, "salary_raise_regular")
    assert data["salary"][-1] | {"position_allowance": "0"} == {
        "from_date": "2026-10-15",
        "rank_code": "01.003",
        "step": 3,
        "coefficient": "3.00",
        "over_frame_percent": 0,
        "position_allowance": "0",
        "other_allowances": "",
        "decision_number": "salary_raise_regular-01/QĐ-UBND",
    }
    assert Person.objects.get(pk=person.pk).current_salary_step == 3


SALARY_2025 = [
    {"from_date": "2022-01-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
    {"from_date": "2025-01-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
]


def test_a_regular_raise_before_the_step_interval_is_refused(personas, make_dossier):
    person = make_dossier(salary=SALARY_2025, **eligible())
    error = refused(lambda: register(personas, person, "salary_raise_regular"), "too_early")
    assert "sớm nhất từ 01/01/2028" in error.problems[0].message
    assert not ChangeSet.objects.exists()


def test_a_discipline_delays_the_next_regular_raise(personas, make_dossier):
    salary = [
        {"from_date": "2019-01-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
        {"from_date": "2023-01-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
    ]
    discipline = [
        {
            "decision_date": "2024-02-01",
            "form_code": "reprimand",
            "reason": "Vi phạm quy chế",
            "effect_from": "2024-02-01",
            "effect_to": "2025-02-01",
        }
    ]
    person = make_dossier(salary=salary, discipline=discipline, **eligible())
    # 36 months from 01/01/2023 is 01/01/2026; the reprimand adds 6 (catalog): 01/07/2026.
    error = refused(
        lambda: register(personas, person, "salary_raise_regular", effective_date=date(2026, 3, 1)),
        "too_early",
    )
    assert "kéo dài 6 tháng" in error.problems[0].message
    assert "01/07/2026" in error.problems[0].message
    data = apply(personas, person, "salary_raise_regular", effective_date=date(2026, 7, 1))
    assert data["salary"][-1]["step"] == 3


def test_an_early_raise_is_allowed_up_to_the_months_in_the_catalog(personas, make_dossier):
    salary = [
        {"from_date": "2021-01-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
        {"from_date": "2024-01-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
    ]
    person = make_dossier(salary=salary, **eligible())
    # Regular from 01/01/2027; at most 12 months early: from 01/01/2026.
    data = apply(personas, person, "salary_raise_early", effective_date=date(2026, 10, 1))
    assert (data["salary"][-1]["step"], data["salary"][-1]["coefficient"]) == (3, "3.00")

    too_soon = make_dossier(salary=SALARY_2025, **eligible())
    error = refused(
        lambda: register(personas, too_soon, "salary_raise_early", number="TH-2"), "too_early"
    )
    assert "tối đa 12 tháng" in error.problems[0].message
    assert "01/01/2027" in error.problems[0].message


def test_an_early_raise_is_not_for_someone_already_due_a_regular_one(personas, make_dossier):
    person = make_dossier(**eligible())
    refused(lambda: register(personas, person, "salary_raise_early"), "not_early")


def test_no_two_early_raises_in_a_row_in_one_rank(personas, make_dossier):
    salary = [
        {"from_date": "2017-01-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
        {"from_date": "2020-01-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
    ]
    person = make_dossier(salary=salary)
    first = {"signed_date": date(2022, 5, 15), "received_date": date(2022, 5, 20)}
    apply(personas, person, "salary_raise_early", effective_date=date(2022, 6, 1), **first)
    error = refused(
        lambda: register(
            personas, person, "salary_raise_early", number="TH-2", effective_date=date(2025, 1, 1)
        ),
        "early_twice",
    )
    assert "hai lần liên tiếp" in error.problems[0].message
    data = apply(
        personas, person, "salary_raise_regular", number="TX-3", effective_date=date(2025, 6, 1)
    )
    assert data["salary"][-1]["step"] == 4


def test_the_last_step_gets_the_seniority_allowance_instead(personas, make_dossier):
    salary = [
        {"from_date": "2015-01-01", "rank_code": "01.003", "step": 8, "coefficient": "4.65"},
        {"from_date": "2018-01-01", "rank_code": "01.003", "step": 9, "coefficient": "4.98"},
    ]
    person = make_dossier(salary=salary)
    refused(lambda: register(personas, person, "salary_raise_regular"), "last_step")
    data = apply(
        personas,
        person,
        "seniority_allowance",
        effective_date=date(2021, 1, 1),
        signed_date=date(2020, 12, 20),
        received_date=date(2020, 12, 22),
    )
    assert data["salary"][-1]["over_frame_percent"] == 5  # first_percent of the pay group
    data = apply(personas, person, "seniority_allowance", number="VK-2")
    assert data["salary"][-1]["over_frame_percent"] == 6  # + yearly_percent


def test_the_seniority_allowance_is_delayed_exactly_like_a_step(personas, make_dossier):
    """One computation of the delays (issue 12: one engine, `eligibility.salary`): a reprimand
    in the period adds its 6 months (catalog `discipline_form`), as it does to a step."""
    salary = [{"from_date": "2018-01-01", "rank_code": "01.003", "step": 9, "coefficient": "4.98"}]
    discipline = [
        {
            "decision_date": "2019-06-01",
            "form_code": "reprimand",
            "reason": "Vi phạm quy chế",
            "effect_from": "2019-06-01",
            "effect_to": "2020-06-01",
        }
    ]
    person = make_dossier(salary=salary, discipline=discipline)
    # 36 months from 01/01/2018 is 01/01/2021; the reprimand adds 6: 01/07/2021.
    early = {"effective_date": date(2021, 3, 1), "signed_date": date(2021, 2, 20)}
    early["received_date"] = date(2021, 2, 22)
    error = refused(lambda: register(personas, person, "seniority_allowance", **early), "too_early")
    assert "kéo dài 6 tháng" in error.problems[0].message
    assert "01/07/2021" in error.problems[0].message
    data = apply(
        personas,
        person,
        "seniority_allowance",
        effective_date=date(2021, 7, 1),
        signed_date=date(2021, 6, 20),
        received_date=date(2021, 6, 22),
    )
    row = data["salary"][-1]
    assert (row["from_date"], row["over_frame_percent"]) == ("2021-07-01", 5)


def test_a_year_not_completed_delays_the_seniority_allowance_by_its_months(personas, make_dossier):
    salary = [{"from_date": "2018-01-01", "rank_code": "01.003", "step": 9, "coefficient": "4.98"}]
    evaluations = [{"year": 2019, "grade_code": "not_completed"}]
    person = make_dossier(salary=salary, evaluations=evaluations)
    # 01/01/2021 + 12 months for 2019 (counted on 31/12/2019, inside the period): 01/01/2022.
    header = {"signed_date": date(2021, 5, 20), "received_date": date(2021, 5, 22)}
    error = refused(
        lambda: register(
            personas, person, "seniority_allowance", effective_date=date(2021, 6, 1), **header
        ),
        "too_early",
    )
    assert "kéo dài 12 tháng" in error.problems[0].message
    assert "01/01/2022" in error.problems[0].message


def test_rank_change_takes_the_nearest_step_at_or_above_the_current_coefficient(
    personas, make_dossier
):
    salary = [{"from_date": "2020-01-01", "rank_code": "01.003", "step": 6, "coefficient": "3.99"}]
    person = make_dossier(salary=salary)
    data = apply(personas, person, "rank_change", {"rank_code": "01.002"})
    assert data["salary"][-1] | {"position_allowance": "0"} == {
        "from_date": "2026-10-15",
        "rank_code": "01.002",
        "step": 1,
        "coefficient": "4.40",
        "over_frame_percent": 0,
        "position_allowance": "0",
        "other_allowances": "",
        "decision_number": "rank_change-01/QĐ-UBND",
    }
    assert Person.objects.get(pk=person.pk).current_rank_code == "01.002"


def test_evaluation_adds_the_year_or_corrects_it(personas, make_dossier):
    person = make_dossier()  # 2024: good, 85
    data = apply(personas, person, "evaluation", {"year": 2025, "grade_code": "good"})
    assert data["evaluations"][-1]["year"] == 2025
    data = apply(
        personas,
        person,
        "evaluation",
        {"year": 2024, "grade_code": "completed", "score": 65, "note": "Đánh giá lại"},
        number="DG-2",
    )
    assert len(data["evaluations"]) == 2
    assert data["evaluations"][0] | {"score": float(data["evaluations"][0]["score"])} == {
        "year": 2024,
        "grade_code": "completed",
        "score": 65.0,
        "note": "Đánh giá lại",
    }


def test_excellent_grades_stay_within_a_fifth_of_the_units_good_grades(personas, make_dossier):
    """NĐ 335/2025: "excellent" at most 20 % of those graded "good" in the unit (ratio from the
    `evaluation_grade` catalog). Every test dossier was graded "good" for 2024."""
    people = [make_dossier() for _ in range(6)]
    # The five others are good: 20 % of 5 = 1 excellent allowed.
    data = apply(personas, people[0], "evaluation", {"year": 2024, "grade_code": "excellent"})
    assert data["evaluations"][0]["grade_code"] == "excellent"
    # Now four others are good (20 % of 4 = 0.8 → none more) and one is excellent.
    error = refused(
        lambda: register(
            personas, people[1], "evaluation", {"year": 2024, "grade_code": "excellent"}
        ),
        "evaluation_quota_exceeded",
    )
    assert "có 4 người «Hoàn thành tốt nhiệm vụ»" in error.problems[0].message
    assert "tối đa 0 người" in error.problems[0].message and "đã có 1" in error.problems[0].message
    # Re-grading the one excellent person again counts them once, not twice.
    apply(
        personas,
        people[0],
        "evaluation",
        {"year": 2024, "grade_code": "excellent", "note": "Đánh giá lại"},
        number="DG-2",
    )
    # Another year is counted on its own: nobody is graded "good" in 2025 yet.
    refused(
        lambda: register(
            personas, people[2], "evaluation", {"year": 2025, "grade_code": "excellent"}
        ),
        "evaluation_quota_exceeded",
    )


def test_an_evaluation_score_outside_its_grade_band_is_refused(personas, make_dossier):
    person = make_dossier()
    error = refused(
        lambda: register(
            personas, person, "evaluation", {"year": 2026, "grade_code": "good", "score": 95}
        ),
        "score_out_of_band",
    )
    assert "từ 70 đến dưới 90" in error.problems[0].message


def test_reward_adds_an_award_row(personas, make_dossier):
    person = make_dossier()
    data = apply(
        personas,
        person,
        "reward",
        {"form_code": "certificate_of_merit", "reason": "Thành tích 2025"},
    )
    assert data["awards"] == [
        {
            "award_date": "2026-10-01",
            "form_code": "certificate_of_merit",
            "reason": "Thành tích 2025",
            "decision_number": "reward-01/QĐ-UBND",
            "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        }
    ]


def test_discipline_runs_for_the_restriction_months_of_its_form(personas, make_dossier):
    person = make_dossier()
    data = apply(
        personas, person, "discipline", {"form_code": "reprimand", "reason": "Vi phạm quy chế"}
    )
    (row,) = data["discipline"]
    assert (row["effect_from"], row["effect_to"], row["decision_date"]) == (
        "2026-10-15",
        "2027-10-15",  # + 12 months (discipline_form.restriction_months)
        "2026-10-01",
    )


def test_no_appointment_training_or_raise_while_a_discipline_runs(personas, make_dossier):
    person = make_dossier()
    apply(personas, person, "discipline", {"form_code": "warning", "reason": "Vi phạm"})
    after = {"effective_date": date(2026, 11, 2), "number": "SAU-1"}
    for kind, params in [
        ("appointment", {"position_code": "deputy_director_so"}),
        ("training", {"institution": "Học viện Tài chính"}),
        ("salary_raise_regular", {}),
        ("planning", {}),
    ]:
        error = refused(
            lambda k=kind, p=params: register(personas, person, k, p, **after), "under_discipline"
        )
        assert "Cảnh cáo" in error.problems[0].message
    # An award is not restricted.
    apply(personas, person, "reward", {"form_code": "certificate_of_merit"}, **after)


def test_an_imported_discipline_without_an_end_still_restricts(personas, make_dossier):
    discipline = [
        {
            "decision_date": "2026-06-01",
            "form_code": "reprimand",
            "reason": "Vi phạm",
            "effect_from": "2026-06-01",
        }
    ]
    person = make_dossier(discipline=discipline)
    refused(
        lambda: register(personas, person, "appointment", {"position_code": "director_so"}),
        "under_discipline",
    )


def test_dismissal_from_post_ends_the_post_held(personas, make_dossier):
    person = make_dossier(positions=[HEAD_OF_DIVISION])
    data = apply(
        personas, person, "discipline", {"form_code": "dismissal_from_post", "reason": "Vi phạm"}
    )
    assert data["discipline"][0]["effect_to"] == "2028-10-15"  # 24 months
    assert data["positions"][0]["to_date"] == "2026-10-14"
    assert data["positions"][1]["position_code"] == ""


def test_a_form_not_for_the_persons_category_is_refused(personas, make_dossier):
    person = make_dossier()  # a civil servant
    error = refused(
        lambda: register(
            personas, person, "discipline", {"form_code": "removal_from_office", "reason": "x"}
        ),
        "form_not_applicable",
    )
    assert "công chức" in error.problems[0].message


def test_forced_dismissal_ends_employment(personas, make_dossier):
    person = make_dossier()
    data = apply(
        personas, person, "discipline", {"form_code": "forced_dismissal", "reason": "Vi phạm"}
    )
    assert data["employment"]["status"] == "dismissed"
    assert data["discipline"][0]["effect_to"] is None
    assert data["positions"][0]["to_date"] == "2026-10-14"


@pytest.mark.parametrize(
    ("kind", "params", "status"),
    [
        ("retirement", {}, "retired"),
        ("resignation", {}, "resigned"),
        ("staff_reduction", {"outcome": "retired"}, "retired"),
    ],
)
def test_leaving_service_changes_the_status_and_ends_every_post(
    personas, make_dossier, kind, params, status
):
    concurrent = {**HEAD_OF_DIVISION, "is_main": False, "position_code": ""}
    person = make_dossier(
        positions=[
            {
                "organization": "T01.STC",
                "position_code": "",
                "is_main": True,
                "from_date": "2008-09-01",
            },
            concurrent,
        ]
    )
    data = apply(personas, person, kind, params)
    assert data["employment"]["status"] == status
    assert all(p["to_date"] == "2026-10-14" for p in data["positions"])
    assert all(w["to_date"] for w in data["work_history"])
    assert data["career_events"][0]["decision_type"] == kind


def test_a_retired_person_gets_an_award_but_no_appointment(personas, make_dossier):
    person = make_dossier()
    apply(personas, person, "retirement")
    after = {"effective_date": date(2026, 11, 2), "number": "SAU-1"}
    error = refused(
        lambda: register(
            personas, person, "appointment", {"position_code": "director_so"}, **after
        ),
        "not_working",
    )
    assert "đã nghỉ hưu" in error.problems[0].message
    apply(personas, person, "reward", {"form_code": "certificate_of_merit"}, **after)


def test_a_personal_conclusion_replaces_the_declared_items_and_is_stored_encrypted(
    personas, make_dossier
):
    person = make_dossier()
    decision = register(
        personas, person, "personal_conclusion", {"relatives_abroad": "Em trai định cư tại Úc"}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameters FROM changes_personneldecision WHERE id = %s", [decision.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("e1.") and "Úc" not in stored
    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    history = current_data(person.personal_id, acting_user=None)["personal_history"]
    assert history["relatives_abroad"] == "Em trai định cư tại Úc"
    assert history["arrests"] == "Không"  # untouched


def test_recruitment_and_reception_record_the_career_event(personas, make_dossier):
    person = make_dossier()
    data = apply(personas, person, "recruitment")
    assert data["career_events"][0]["decision_type"] == "recruitment"
    data = apply(
        personas, person, "reception", {"staff_category": "public_employee"}, number="TN-2"
    )
    assert data["employment"]["staff_category"] == "public_employee"


# --- Refusals ------------------------------------------------------------------------------------


def test_a_decision_received_before_it_was_signed_is_refused(personas, make_dossier):
    person = make_dossier()
    error = refused(
        lambda: register(
            personas,
            person,
            "reward",
            {"form_code": "certificate_of_merit"},
            received_date=date(2026, 9, 30),
        ),
        "received_before_signed",
    )
    assert error.problems[0].message == (
        "Ngày nhận 30/09/2026 trước ngày ký 01/10/2026: không thể nhận quyết định trước khi "
        "được ký."
    )
    assert not PersonnelDecision.objects.exists() and not Obligation.objects.exists()


def test_signing_or_receiving_in_the_future_is_refused(personas, make_dossier):
    person = make_dossier()
    later = local_today() + timedelta(days=5)
    error = refused(
        lambda: register(personas, person, "planning", signed_date=later, received_date=later),
        "future_date",
    )
    assert {p.field for p in error.problems} == {"signed_date", "received_date"}
    assert "ở tương lai" in error.problems[0].message


def test_an_effective_date_too_far_ahead_is_refused(personas, make_dossier, settings):
    person = make_dossier()
    today = date(2026, 11, 20)
    far = {"effective_date": today + timedelta(days=367)}
    error = refused(
        lambda: register(personas, person, "planning", today=today, **far), "effective_too_far"
    )
    assert "quá 366 ngày" in error.problems[0].message
    settings.HOSO_DECISION_MAX_FUTURE_DAYS = 30
    refused(
        lambda: register(
            personas, person, "planning", today=today, effective_date=date(2026, 12, 21)
        ),
        "effective_too_far",
    )


def test_a_decision_taking_effect_later_is_approved_once_in_force(personas, make_dossier):
    person = make_dossier(**eligible("deputy_director_so"))
    today = local_today()
    later = today + timedelta(days=20)
    decision = register(
        personas,
        person,
        "appointment",
        {"position_code": "deputy_director_so"},
        signed_date=today - timedelta(days=2),
        received_date=today,
        effective_date=later,
    )
    with pytest.raises(ValidationFailed, match="tương lai"):
        changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    changeset_approve(
        acting_user=personas["quanly"], changeset_id=decision.changeset_id, today=later
    )
    assert Person.objects.get(pk=person.pk).current_position_code == "deputy_director_so"


def test_an_unknown_type_is_refused(personas, make_dossier):
    person = make_dossier()
    error = refused(
        lambda: register(personas, person, "promotion_to_general"), "unknown_decision_type"
    )
    assert error.problems[0].message == (
        "Loại quyết định «promotion_to_general» không có trong danh mục."
    )


def test_missing_and_unknown_parameters_are_named(personas, make_dossier):
    person = make_dossier()
    error = refused(
        lambda: register(personas, person, "appointment", {"positon_code": "director_so"}),
        "required",
    )
    assert {(p.code, p.field) for p in error.problems} == {
        ("required", "parameters.position_code"),
        ("unknown_parameter", "parameters.positon_code"),
    }
    refused(
        lambda: register(personas, person, "appointment", {"position_code": "general"}),
        "unknown_code",
    )
    refused(
        lambda: register(
            personas, person, "appointment", {"position_code": "director_so", "organization": "X9"}
        ),
        "unknown_unit",
    )


def test_a_discipline_on_someone_outside_the_callers_duty_is_not_found(personas, make_dossier):
    elsewhere = make_dossier(unit="T01.XA")  # the clerk's duty is Sở Tài chính only
    params = {"form_code": "reprimand", "reason": "Vi phạm"}
    with pytest.raises(NotFound):
        register(personas, elsewhere, "discipline", params)
    here = make_dossier()
    with pytest.raises(NotFound):
        register(personas, here, "discipline", params, who="ngoai")  # a clerk of the ministry
    with pytest.raises(NotFound):
        register(personas, here, "discipline", params, who="lanhdao")  # reads, does not write

    class Nobody:
        personal_id = "001085000999"

    with pytest.raises(NotFound):
        register(personas, Nobody, "discipline", params)
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()


def test_a_decision_is_registered_once_and_again_only_after_its_change_was_rejected(
    personas, make_dossier
):
    person = make_dossier()
    params = {"form_code": "certificate_of_merit"}
    first = register(personas, person, "reward", params)
    error = refused(lambda: register(personas, person, "reward", params), "duplicate_decision")
    assert "đã được đăng ký" in error.problems[0].message
    duty = Obligation.objects.get()
    changeset_reject(
        acting_user=personas["quanly"], changeset_id=first.changeset_id, reason="Sai hình thức"
    )
    second = register(
        personas,
        person,
        "reward",
        {"form_code": "emulation_grassroots"},
        received_date=date(2026, 10, 20),
    )
    duty.refresh_from_db()
    # The duty is the same: it still runs from the first receipt.
    assert Obligation.objects.count() == 1
    assert (duty.source, duty.changeset_id, duty.start_date) == (
        f"decision:{second.pk}",
        second.changeset_id,
        RECEIVED,
    )


# --- API -----------------------------------------------------------------------------------------


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def body(person, decision_type="appointment", **extra):
    return {
        "decision_type": decision_type,
        "number": "15/QĐ-UBND",
        "signed_date": "2026-10-01",
        "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "received_date": "2026-10-05",
        "effective_date": "2026-10-15",
        "personal_id": person.personal_id,
        "parameters": {"position_code": "deputy_director_so"},
        **extra,
    }


def test_api_registers_a_decision_and_shows_its_change_and_duty(api, make_dossier):
    person = make_dossier(**eligible("deputy_director_so"))
    response = api("nhaplieu").post(
        "/api/v1/decisions", body(person), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["changeset"]["status"] == "proposed"
    assert created["parameters"] == {"position_code": "deputy_director_so"}
    (duty,) = created["obligations"]
    assert (duty["kind"], duty["start_date"], duty["due_date"]) == (
        "enter_decision",
        "2026-10-05",
        "2026-10-19",
    )
    shown = api("quanly").get(f"/api/v1/decisions/{created['id']}").json()
    assert shown["decision_type_name"] == "Bổ nhiệm" and shown["masked"] == {}


def test_api_errors_are_json_and_specific(api, make_dossier):
    person = make_dossier()
    client = api("nhaplieu")
    bad = client.post(
        "/api/v1/decisions",
        body(person, received_date="2026-09-01"),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["code"] == "received_before_signed"
    malformed = client.post(
        "/api/v1/decisions", body(person, signed_date="1/10/2026"), content_type="application/json"
    )
    assert malformed.status_code == 422 and malformed.json()["error"]["code"] == "invalid_request"
    outside = make_dossier(unit="T01.XA")
    response = client.post("/api/v1/decisions", body(outside), content_type="application/json")
    assert response.status_code == 404


def test_api_shows_a_decision_only_within_scope_and_masks_what_the_reader_may_not_see(
    api, personas, make_dossier
):
    person = make_dossier()
    decision = register(
        personas, person, "personal_conclusion", {"relatives_abroad": "Em trai định cư tại Úc"}
    )
    assert api("ngoai").get(f"/api/v1/decisions/{decision.pk}").status_code == 404
    assert api("ngoai").get("/api/v1/decisions/999999").status_code == 404
    leader = api("lanhdao").get(f"/api/v1/decisions/{decision.pk}").json()
    assert leader["parameters"] is None and "Đã che" in leader["masked"]["parameters"]
    manager = api("quanly").get(f"/api/v1/decisions/{decision.pk}").json()
    assert manager["parameters"] == {"relatives_abroad": "Em trai định cư tại Úc"}
