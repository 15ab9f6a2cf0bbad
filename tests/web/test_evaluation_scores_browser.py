"""The annual evaluation's manager step in a real browser (issue 12; R-EVAL-REALTIME,
R-ONLINE-100): the leader types the points per criterion of NĐ 335/2025, sees the total and the
grade as they type, is refused an over-maximum score next to its input with nothing recorded,
then signs; the signed step record holds the scores typed. Screenshots at 1280 px and 390 px
are kept in test-artifacts/evaluation-*.png."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.procedures.common import a_pdf
from tests.web.browser import ARTIFACTS, BROWSER, shooter
from tests.web.test_procedure_browser import fresh_sign_in

from hoso.web.forms.procedures import SCORE

pytestmark = BROWSER
shot = shooter("evaluation")
GENERAL, TASKS = "civil_servant.general", "civil_servant.task_results"


@pytest.fixture
def people(node, personas, make_dossier, signing_keys, settings, tmp_path_factory):
    """A civil servant of Sở Tài chính whose 2026 evaluation has its self-assessment signed,
    and the scoring sheet's PDF on disk; written before the browser starts."""
    from tests.conftest import employee_account
    from tests.procedures.common import act

    from hoso.demo.pki import DemoSigner, demo_pki_ensure
    from hoso.procedures.services import procedure_start
    from hoso.signing.keys import KeyAlgorithm

    settings.HOSO_STORAGE_DIR = tmp_path_factory.mktemp("hoso-files")
    demo_pki_ensure(
        [DemoSigner("tudanhgia", "Người ký tudanhgia", "Cơ quan thử nghiệm")],
        directory=signing_keys,
        key_algorithm=KeyAlgorithm.EC_P256,
    )
    person = make_dossier(full_name="Lê Thị Bình")
    account = employee_account(person, "tudanhgia")
    procedure = procedure_start(
        acting_user=account,
        procedure_type="evaluation",
        personal_id=person.personal_id,
        params={"decision": {"year": 2026}},
    )
    act(
        account,
        procedure,
        "evaluation.self_assessment",
        data={"self_assessment": "Hoàn thành đúng hạn các nhiệm vụ được giao."},
    )
    sheet = tmp_path_factory.mktemp("pdfs") / "phieu-cham-diem.pdf"
    sheet.write_bytes(a_pdf("phieu_cham_diem"))
    return {"procedure": procedure.pk, "sheet": sheet}


def _steps(pk: int) -> list[tuple[str, str, dict]]:
    from django.db import connection

    from hoso.procedures.models import ProcedureStep

    try:
        rows = ProcedureStep.objects.filter(procedure_id=pk).order_by("pk")
        return [(s.step_code, s.outcome, s.data) for s in rows]
    finally:
        connection.close()


def steps(pk: int) -> list[tuple[str, str, dict]]:
    """The procedure's recorded steps, read from a worker thread (outside Playwright's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_steps, pk).result()


def test_the_manager_scores_each_criterion_on_the_page_and_signs(
    node, people, totp_keys, browser_page
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page, pk = browser_page, people["procedure"]
    url = node.url + f"/quy-trinh/{pk}/"
    page.goto(url)
    fresh_sign_in(page, "lanhdao", totp_keys["lanhdao"])
    page.goto(url)
    expect(
        page.get_by_role("heading", name="Bước hiện tại: Người quản lý chấm điểm")
    ).to_be_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Ký số và ghi bước"))
    general = form.locator(f'input[name="{SCORE}{GENERAL}"]')
    tasks = form.locator(f'input[name="{SCORE}{TASKS}"]')
    total = form.locator("[data-score-total]")
    grade = form.locator("[data-score-grade]")
    expect(form.get_by_label(re.compile(r"^Tiêu chí chung"))).to_be_visible()
    expect(form).to_contain_text("Tối đa 30 điểm. Căn cứ: Nghị định số 335/2025/NĐ-CP")
    expect(total).to_have_text("0")

    # The total and the grade follow the typing; an over-maximum score is refused.
    form.get_by_label("Đồng ý", exact=True).check()
    general.fill("31")
    tasks.fill("60")
    general.fill("30")
    expect(total).to_have_text("90")
    expect(grade).to_have_text("Hoàn thành xuất sắc nhiệm vụ")  # 90 and over
    general.fill("31")
    expect(total).to_have_text("60")  # 31 is over the maximum: left out of the total
    expect(grade).to_have_text("—")  # no grade while a score is wrong
    expect(form.locator("[data-score-note]")).to_be_visible()
    expect(general).to_have_attribute("aria-invalid", "true")
    form.locator("input[name=document_phieu_cham_diem]").set_input_files(str(people["sheet"]))
    page.get_by_role("button", name="Ký số và ghi bước").click()
    field = form.locator(".field", has=page.locator(f'input[name="{SCORE}{GENERAL}"]'))
    expect(field.locator(".field__error")).to_have_text(
        re.compile(r"tối đa 30 điểm; 31 điểm vượt mức\.")
    )
    expect(page.get_by_role("alert").first).to_be_visible()
    form.locator(".scores").scroll_into_view_if_needed()
    shot(page, "error")
    assert steps(pk) == [steps(pk)[0]] and steps(pk)[0][0] == "evaluation.self_assessment"

    # Corrected: 28 and 59,5 make 87,5, "good" (70 to under 90); shown before signing.
    form = page.locator("form", has=page.get_by_role("button", name="Ký số và ghi bước"))
    form.get_by_label("Đồng ý", exact=True).check()
    form.locator(f'input[name="{SCORE}{GENERAL}"]').fill("28")
    form.locator(f'input[name="{SCORE}{TASKS}"]').fill("59,5")
    expect(form.locator("[data-score-total]")).to_have_text("87,5")
    expect(form.locator("[data-score-grade]")).to_have_text("Hoàn thành tốt nhiệm vụ")
    expect(form.locator("[data-score-note]")).to_be_hidden()
    expect(form.locator(f'input[name="{SCORE}{GENERAL}"]')).not_to_have_attribute(
        "aria-invalid", "true"
    )
    form.get_by_label("Nhận xét của người quản lý (nếu có)").fill("Chủ động, đúng hạn.")
    form.locator(".scores").scroll_into_view_if_needed()
    shot(page, "filled")
    page.set_viewport_size({"width": 390, "height": 844})
    form.locator(".scores").scroll_into_view_if_needed()
    shot(page, "filled-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(form).to_contain_text("Đã ký số «phieu-cham-diem.pdf»")  # kept from the first try
    page.get_by_role("button", name="Ký số và ghi bước").click()
    expect(
        page.get_by_text("Đã ký số và ghi bước «Người quản lý chấm điểm»: đồng ý.")
    ).to_be_visible()
    history = page.locator(".procedure-history")
    expect(history.locator(".scores__table")).to_contain_text("87,5 điểm")
    expect(history.locator(".badge--active")).to_have_count(2)
    expect(page.get_by_role("heading", name=re.compile("Bước hiện tại: Tập thể"))).to_be_visible()
    history.locator(".scores__table").scroll_into_view_if_needed()
    shot(page, "signed")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "signed-390")

    recorded = steps(pk)
    assert [(code, outcome) for code, outcome, _data in recorded] == [
        ("evaluation.self_assessment", "approve"),
        ("evaluation.scoring", "approve"),
    ]
    assert recorded[1][2]["scores"] == {GENERAL: 28, TASKS: 59.5}
    assert recorded[1][2]["comment"] == "Chủ động, đúng hạn."
    # The refused post answers 400 (the form again, with its reasons): nothing else failed.
    assert [e for e in page.errors if "status of 400" not in e] == []
