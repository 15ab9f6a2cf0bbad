"""The annual evaluation's manager step on its page (issue 12; R-EVAL-REALTIME, R-ONLINE-100):
one input per criterion of the person's category in force for the year evaluated (NĐ 335/2025
for civil servants), each with its maximum and legal basis, the total and the grade it falls
in; the scores judged as the API judges them, each refusal next to its input and nothing
recorded; the signed record holds the scores as the API's would; the unit's "excellent ≤ 20 %
of good" refusal shows its numbers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.documents.components_common import documents_sandbox  # noqa: F401 (fixture)
from tests.procedures.common import a_pdf, act
from tests.procedures.test_evaluation import GENERAL, SELF, TASKS, VOTES, YEAR, employee  # noqa: F401

from hoso.core.dates import today
from hoso.procedures.definitions import type_def
from hoso.procedures.models import ProcedureStep
from hoso.procedures.services import procedure_start, step_verify
from hoso.web.forms.procedures import SCORE, StepForm, points, scale_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(employee):  # noqa: F811 (the fixture imported above)
    """An evaluation of 2026 whose self-assessment is signed: the leader's scoring is next."""
    person, account = employee
    procedure = procedure_start(
        acting_user=account,
        procedure_type="evaluation",
        personal_id=person.personal_id,
        params={"decision": {"year": YEAR}},
    )
    act(account, procedure, "evaluation.self_assessment", data=SELF)
    procedure.refresh_from_db()
    return procedure


def post(client, procedure, scores, outcome="approve", **extra):
    procedure.refresh_from_db()
    data = {
        "outcome": outcome,
        "reason": extra.pop("reason", ""),
        "revision": procedure.revision,
        "idempotency_key": f"k-{procedure.revision}-{outcome}",
        "document_phieu_cham_diem": SimpleUploadedFile(
            "phieu-cham-diem.pdf", a_pdf(), "application/pdf"
        ),
        **{SCORE + code: value for code, value in scores.items()},
        **extra,
    }
    return client.post(reverse("web:procedure_step", args=[procedure.pk]), data)


def recorded(procedure) -> int:
    return ProcedureStep.objects.filter(procedure=procedure).count()


def test_the_form_draws_one_input_per_criterion_with_its_maximum_and_basis(as_, scoring):
    body = as_("lanhdao").get(reverse("web:procedure", args=[scoring.pk])).content.decode()
    assert "Bước hiện tại: Người quản lý chấm điểm" in body
    for code, name, maximum in [
        (GENERAL, "Tiêu chí chung (chính trị, đạo đức, lối sống, tác phong, ý thức kỷ luật)", 30),
        (TASKS, "Kết quả thực hiện chức trách, nhiệm vụ được giao", 70),
    ]:
        assert f'name="{SCORE}{code}"' in body and f'data-score-max="{maximum}"' in body
        assert name in body
        assert f"Tối đa {maximum} điểm. Căn cứ: Nghị định số 335/2025/NĐ-CP" in body
    assert "tổng tối đa 100 điểm" in body
    assert "Tổng điểm: <output data-score-total>0</output> / 100" in body
    assert "Mức xếp loại theo tổng điểm:" in body and "scores.js" in body
    assert "giao diện lập trình" not in body  # nothing of the step is left to the API


def test_scores_typed_on_the_page_are_signed_as_the_api_records_them(as_, scoring):
    """28 and 59,5 (a comma before the decimals) are recorded as the API's JSON 28 and 59.5."""
    client = as_("lanhdao")
    response = post(client, scoring, {GENERAL: "28", TASKS: " 59,5 "}, field_comment="Tốt.")
    assert response.status_code == 302, response.content.decode()[:3000]
    step = ProcedureStep.objects.get(procedure=scoring, step_code="evaluation.scoring")
    assert step.data["scores"] == {GENERAL: 28, TASKS: 59.5}
    assert isinstance(step.data["scores"][GENERAL], int)
    assert step.data["comment"] == "Tốt." and step_verify(step).valid
    body = client.get(reverse("web:procedure", args=[scoring.pk])).content.decode()
    assert "Người quản lý chấm điểm: Đồng ý" in body
    assert '<th scope="row">Tổng điểm</th><td><strong>87,5 điểm</strong></td>' in body
    assert "59,5 điểm" in body


@pytest.mark.parametrize(
    ("scores", "field", "message"),
    [
        ({GENERAL: "28"}, TASKS, "Chưa chấm tiêu chí «Kết quả thực hiện chức trách"),
        (
            {GENERAL: "31", TASKS: "60"},
            GENERAL,
            "tối đa 30 điểm; 31 điểm vượt mức.",
        ),
        ({GENERAL: "-1", TASKS: "60"}, GENERAL, "phải là số không âm, từ 0 đến 30"),
        ({GENERAL: "nhiều", TASKS: "60"}, GENERAL, "phải là số không âm, từ 0 đến 30"),
        ({GENERAL: "1e400", TASKS: "60"}, GENERAL, "phải là số không âm, từ 0 đến 30"),
        (
            {GENERAL: "20", TASKS: "50", "civil_servant.extra": "5"},
            None,
            "Không có tiêu chí «civil_servant.extra»",
        ),
        ({}, None, "Cần ghi «Điểm theo từng tiêu chí»."),
    ],
    ids=["missing", "over-max", "negative", "not-a-number", "overflow", "unknown", "none"],
)
def test_bad_scores_are_refused_next_to_their_input_and_nothing_is_recorded(
    as_, scoring, scores, field, message
):
    revision = scoring.revision
    response = post(as_("lanhdao"), scoring, scores)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    if field is not None:  # the message sits in the field of that input
        block = body.split(f'name="{SCORE}{field}"')[1].split('<div class="field')[0]
        assert message in block
    assert recorded(scoring) == 1
    scoring.refresh_from_db()
    assert scoring.revision == revision and scoring.current_step == "evaluation.scoring"
    for code, value in scores.items():  # what was typed stays in its input
        if code != "civil_servant.extra":
            assert f'value="{value}"' in body.split(f'name="{SCORE}{code}"')[1][:300]


def test_the_typed_total_and_its_grade_are_drawn_again_after_a_refusal(as_, scoring):
    response = post(as_("lanhdao"), scoring, {GENERAL: "30", TASKS: "71"})
    body = response.content.decode()
    assert response.status_code == 400
    # 71 is over its maximum: left out of the total (30), and flagged, as the script does.
    assert "Tổng điểm: <output data-score-total>30</output> / 100" in body
    assert "data-score-note>Có ô chưa ghi đúng" in body
    assert "<output data-score-grade>—</output>" in body
    assert "tối đa 70 điểm; 71 điểm vượt mức." in body


def test_a_rejection_needs_no_scores(as_, scoring):
    response = post(as_("lanhdao"), scoring, {}, outcome="reject", reason="Chưa đủ minh chứng.")
    assert response.status_code == 302
    step = ProcedureStep.objects.get(procedure=scoring, step_code="evaluation.scoring")
    assert step.outcome == "reject" and "scores" not in step.data


def test_the_form_parses_points_as_json_numbers():
    assert [points(t) for t in ("0", "30", "27,5", "27.50", " 8 ")] == [0, 30, 27.5, 27.5, 8]
    assert all(
        points(t) is None
        for t in ("", "-1", "abc", "1,2,3", "NaN", "Infinity", "1e400", "2e1", "+5", "1234567", "٣")
    )


def test_a_public_employee_is_scored_on_their_own_criteria_without_a_grade_from_points(
    db, make_dossier
):
    person = make_dossier(employment={"staff_category": "public_employee"})
    step = type_def("evaluation").step("evaluation.scoring")
    scale = scale_of(step, {"decision": {"year": YEAR}}, person.staff_category)
    assert [c.code for c in scale.criteria.items] == [
        "public_employee.general",
        "public_employee.task_results",
    ]
    assert scale.bands == ()
    form = StepForm(step=step, scale=scale)
    assert form.score_total()["bands"] == [] and form.score_total()["grade"] == ""
    # No scale before NĐ 335/2025 for civil servants, and none for a step scoring nothing.
    assert scale_of(step, {"decision": {"year": 2025}}, "civil_servant") is None
    assert scale_of(type_def("evaluation").step("evaluation.review"), {}, "civil_servant") is None


def test_the_units_excellent_limit_refusal_shows_its_numbers_on_the_page(
    as_, personas, make_dossier, scoring
):
    """NĐ 335/2025: "excellent" ≤ 20 % of "good" per unit. Five good and one excellent already:
    a 95 is refused at the grade decision with the numbers, and nothing is recorded."""
    for _ in range(5):
        make_dossier(evaluations=[{"year": YEAR, "grade_code": "good", "score": "80"}])
    make_dossier(evaluations=[{"year": YEAR, "grade_code": "excellent", "score": "93"}])
    client = as_("lanhdao")
    assert post(client, scoring, {GENERAL: "30", TASKS: "65"}).status_code == 302
    act(personas["lanhdao"], scoring, "evaluation.review", data=VOTES)
    scoring.refresh_from_db()
    revision = scoring.revision
    on = today().strftime("%d/%m/%Y")
    response = as_("quanly").post(
        reverse("web:procedure_step", args=[scoring.pk]),
        {
            "outcome": "approve",
            "reason": "",
            "revision": revision,
            "idempotency_key": "decision",
            "number": "45/QĐ-STC",
            "issuer": "Sở Tài chính tỉnh Thử Nghiệm",
            "signed_date": on,
            "effective_date": on,
            "document_quyet_dinh": SimpleUploadedFile("qd.pdf", a_pdf(), "application/pdf"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        f"Năm {YEAR}, Sở Tài chính có 5 người «Hoàn thành tốt nhiệm vụ»: tối đa 1 người"
        " «Hoàn thành xuất sắc nhiệm vụ» (20%), đã có 1."
    ) in body
    scoring.refresh_from_db()
    assert scoring.revision == revision and recorded(scoring) == 3
