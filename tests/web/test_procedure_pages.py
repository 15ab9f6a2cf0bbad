"""The procedure pages (issue 12 item 1; R-ONLINE-100, R-APPOINT-SAFE): start a procedure from
a dossier, the procedure page with its current step and signed history, the step form of the
duty that owns the step (documents PAdES-signed, the step CMS-signed), the lists; who sees
what, and every bad input refused with its message and nothing written."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.documents.components_common import documents_sandbox  # noqa: F401 (fixture)
from tests.eligibility.helpers import eligible
from tests.procedures.common import POST, a_pdf, act
from tests.web.test_decision_pages import jpeg

from conftest import login
from hoso.access.models import Role
from hoso.access.services import role_assign
from hoso.calendar.selectors import calendar
from hoso.core.dates import today
from hoso.procedures.models import Procedure, ProcedureDocument, ProcedureState, ProcedureStep
from hoso.procedures.services import procedure_start

pytestmark = pytest.mark.django_db
VOTES = {"votes_for": 7, "votes_against": 1, "votes_abstain": 0}


@pytest.fixture
def an(make_dossier):
    return make_dossier(full_name="Nguyễn Văn An", **eligible(POST["decision"]["position_code"]))


@pytest.fixture
def appointment(personas, an):
    return procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=an.personal_id,
        params=POST,
    )


def page(client, procedure) -> str:
    response = client.get(reverse("web:procedure", args=[procedure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def step_post(client, procedure, outcome="approve", documents=None, **fields):
    procedure.refresh_from_db()
    data = {
        "outcome": outcome,
        "reason": "",
        "revision": procedure.revision,
        "idempotency_key": f"k-{procedure.revision}-{outcome}",
        **fields,
    }
    for code, upload in (documents or {}).items():
        data[f"document_{code}"] = upload
    return client.post(reverse("web:procedure_step", args=[procedure.pk]), data)


def pdf_upload(name="to-trinh.pdf"):
    return SimpleUploadedFile(name, a_pdf(), "application/pdf")


def nothing_acted(procedure) -> bool:
    return not ProcedureStep.objects.filter(procedure=procedure).exists()


# --- Starting ----------------------------------------------------------------------------------


def test_the_dossier_offers_to_start_a_procedure_only_to_the_first_steps_duty(as_, an):
    url = reverse("web:dossier", args=[an.personal_id])
    start = reverse("web:procedure_start", args=[an.personal_id])
    assert start in as_("nhaplieu").get(url).content.decode()
    for who in ("quanly", "lanhdao"):  # they read the dossier but hold no clerk's duty
        body = as_(who).get(url).content.decode()
        assert "Quyết định nhân sự" in body and start not in body
        assert as_(who).get(start).status_code == 404


def test_a_clerk_starts_an_appointment_from_the_dossier(as_, an):
    client = as_("nhaplieu")
    url = reverse("web:procedure_start", args=[an.personal_id])
    body = client.get(url).content.decode()
    assert "Bổ nhiệm" in body and "Điều động" in body
    form = client.get(url, {"loai": "appointment"}).content.decode()
    assert "Chức vụ" in form and "Thẩm định tiêu chuẩn, điều kiện" in form
    response = client.post(url, {"loai": "appointment", "p_position_code": "deputy_director_so"})
    procedure = Procedure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:procedure", args=[procedure.pk])
    assert procedure.params == POST and procedure.current_step == "appointment.proposal"
    shown = client.get(response["Location"]).content.decode()
    assert "Đã bắt đầu quy trình bổ nhiệm số" in shown
    assert "Bổ nhiệm số" in shown and "Nguyễn Văn An" in shown
    assert "Phó Giám đốc Sở và tương đương" in shown
    assert "Bước hiện tại: Đề xuất nhân sự" in shown and "Cán bộ nhập liệu" in shown
    due = calendar().add_working_days(today(), 5).strftime("%d/%m/%Y")
    assert f"{due} <span" in shown  # the working-day deadline, dd/mm/yyyy
    assert "Tờ trình đề xuất nhân sự (PDF)" in shown


def test_a_start_with_bad_input_is_refused_and_starts_nothing(as_, an):
    client = as_("nhaplieu")
    url = reverse("web:procedure_start", args=[an.personal_id])
    unknown = client.post(url, {"loai": "khong_co"})
    assert unknown.status_code == 400
    assert "Bạn không bắt đầu được quy trình «khong_co»" in unknown.content.decode()
    missing = client.post(url, {"loai": "appointment", "p_position_code": ""})
    assert missing.status_code == 400 and "Thiếu chức vụ." in missing.content.decode()
    wrong = client.post(url, {"loai": "appointment", "p_position_code": "nope"})
    assert wrong.status_code == 400 and "không có trong danh mục" in wrong.content.decode()
    assert not Procedure.objects.exists()


def test_a_stranger_cannot_start_one_and_learns_nothing(as_, an):
    url = reverse("web:procedure_start", args=[an.personal_id])
    data = {"loai": "appointment", "p_position_code": "deputy_director_so"}
    for who in ("ngoai", "quantri"):
        response = as_(who).post(url, data)
        assert response.status_code == 404 and "Nguyễn Văn An" not in response.content.decode()
    assert not Procedure.objects.exists()


def test_the_list_page_starts_by_the_persons_id(as_, an):
    client = as_("nhaplieu")
    url = reverse("web:procedure_new")
    assert client.get(url).status_code == 200
    bad = client.get(url, {"so_dinh_danh": "12ab"})
    assert bad.status_code == 400 and "12 chữ số" in bad.content.decode()
    go = client.get(url, {"so_dinh_danh": an.personal_id})
    assert go["Location"] == reverse("web:procedure_start", args=[an.personal_id])


def test_csrf_is_required_to_start_and_to_act(personas, an, appointment):
    client = login(Client(), personas["nhaplieu"])
    client.handler.enforce_csrf_checks = True  # after the login, which posts its own token
    start = client.post(
        reverse("web:procedure_start", args=[an.personal_id]),
        {"loai": "appointment", "p_position_code": "deputy_director_so"},
    )
    assert start.status_code == 403
    step = client.post(
        reverse("web:procedure_step", args=[appointment.pk]),
        {"outcome": "approve", "revision": 0, "idempotency_key": "x"},
    )
    assert step.status_code == 403
    assert Procedure.objects.count() == 1 and nothing_acted(appointment)


# --- Acting on a step --------------------------------------------------------------------------


def test_the_proposal_is_signed_with_its_document_and_moves_on(as_, appointment):
    client = as_("nhaplieu")
    response = step_post(client, appointment, documents={"to_trinh": pdf_upload()})
    assert response.status_code == 302, response.content.decode()[:2000]
    step = ProcedureStep.objects.get()
    document = ProcedureDocument.objects.get()
    assert step.data["documents"]["to_trinh"]["sha256"] == document.sha256
    body = page(client, appointment)
    assert "Đã ký số và ghi bước «Đề xuất nhân sự»: đồng ý." in body
    assert "Đề xuất nhân sự: Đồng ý" in body and "Chữ ký số hợp lệ" in body
    link = reverse("web:procedure_document", args=[appointment.pk, document.pk])
    assert (
        f'Tờ trình đề xuất nhân sự: <a href="{link}" download>to-trinh.pdf</a> — ký số PAdES'
        in body
    )
    assert "Bước hiện tại: Đối chiếu quy hoạch" in body
    assert 'action="/quy-trinh/' not in body  # the clerk holds no duty for the next step
    from hoso.documents.resume_pdf import signatures_check
    from hoso.documents.storage import read_bytes

    checks = signatures_check(read_bytes(document.key))
    assert [c.valid for c in checks] == [True]


def test_an_approval_without_its_document_is_refused_and_writes_nothing(as_, appointment):
    response = step_post(as_("nhaplieu"), appointment)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Thiếu tài liệu «Tờ trình đề xuất nhân sự» (PDF)" in body
    assert nothing_acted(appointment)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("to-trinh.jpg", jpeg(), "image/jpeg"), "phải là tệp PDF"),
        (SimpleUploadedFile("to-trinh.pdf", b"%PDF-1.4 not really", "application/pdf"), ""),
    ],
)
def test_a_non_pdf_or_broken_document_is_refused(as_, appointment, upload, message):
    response = step_post(as_("nhaplieu"), appointment, documents={"to_trinh": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="alert alert--error"' in body and message in body
    assert nothing_acted(appointment) and not ProcedureDocument.objects.exists()


def test_a_rejection_needs_its_reason(as_, appointment):
    client = as_("nhaplieu")
    response = step_post(client, appointment, outcome="reject")
    assert response.status_code == 400 and "Từ chối phải nêu lý do." in response.content.decode()
    assert nothing_acted(appointment)
    done = step_post(client, appointment, outcome="reject", reason="Chưa đủ hồ sơ")
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == ProcedureState.REJECTED
    body = page(client, appointment)
    assert "Lý do:</strong> Chưa đủ hồ sơ" in body and "Bị từ chối" in body


def test_the_wrong_duty_gets_403_with_the_reason_and_a_stranger_404(as_, appointment):
    from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome

    def denials():
        return AuditEvent.objects.filter(
            action=AuditAction.PROCEDURE, outcome=AuditOutcome.DENY
        ).count()

    response = step_post(as_("lanhdao"), appointment, documents={"to_trinh": pdf_upload()})
    assert response.status_code == 403
    assert "Bạn không giữ nhiệm vụ thực hiện bước này" in response.content.decode()
    rejecting = step_post(as_("lanhdao"), appointment, outcome="reject", reason="Không")
    assert rejecting.status_code == 403
    assert denials() == 2  # the upload's and the step's refusals, both on the record
    stranger = step_post(as_("ngoai"), appointment, documents={"to_trinh": pdf_upload()})
    assert stranger.status_code == 404 and "Nguyễn Văn An" not in stranger.content.decode()
    assert nothing_acted(appointment) and not ProcedureDocument.objects.exists()


def test_the_proposer_cannot_approve_their_own_proposal(as_, personas, orgs, appointment):
    proposer = personas["nhaplieu"]
    role_assign(
        acting_user=None,
        user=proposer,
        role=Role.RECORDS_MANAGER,
        organization=orgs["finance"],
        valid_from=today().replace(year=2025, month=7, day=1),
    )
    act(proposer, appointment, "appointment.proposal")
    response = step_post(
        as_(proposer), appointment, documents={"danh_sach_quy_hoach": pdf_upload("qh.pdf")}
    )
    assert response.status_code == 403
    assert "Người đề xuất không được tự thông qua" in response.content.decode()
    assert appointment.steps.count() == 1


def test_a_stale_page_is_refused_with_409(as_, personas, appointment):
    act(personas["nhaplieu"], appointment, "appointment.proposal")
    response = as_("quanly").post(
        reverse("web:procedure_step", args=[appointment.pk]),
        {"outcome": "reject", "reason": "Không", "revision": 0, "idempotency_key": "old"},
    )
    assert response.status_code == 409
    assert "Quy trình đã thay đổi từ khi bạn mở trang" in response.content.decode()


def test_a_vote_needs_its_counts_and_a_kept_document_is_not_asked_again(as_, personas, appointment):
    act(personas["nhaplieu"], appointment, "appointment.proposal")
    act(personas["quanly"], appointment, "appointment.planning")
    client = as_("lanhdao")
    assert "Số phiếu đồng ý" in page(client, appointment)
    response = step_post(client, appointment, documents={"bien_ban_hop": pdf_upload("bb.pdf")})
    body = response.content.decode()
    assert response.status_code == 400 and "Thiếu số phiếu đồng ý." in body
    assert nothing_acted(appointment) is False and appointment.steps.count() == 2
    # The minutes were refused with the form, not kept: the form is checked first.
    assert not ProcedureDocument.objects.filter(step_code="appointment.vote").exists()
    response = step_post(
        client, appointment, documents={"bien_ban_hop": pdf_upload("bb.pdf")}, **VOTES
    )
    assert response.status_code == 302
    body = page(client, appointment)
    assert "Biểu quyết: 7 đồng ý, 1 không đồng ý, 0 không biểu quyết." in body


def test_the_eligibility_step_shows_every_rule_with_its_citation(as_, personas, appointment):
    act(personas["nhaplieu"], appointment, "appointment.proposal")
    act(personas["quanly"], appointment, "appointment.planning")
    act(personas["lanhdao"], appointment, "appointment.vote", data=VOTES)
    act(personas["quanly"], appointment, "appointment.eligibility")
    body = page(as_("quanly"), appointment)
    section = body.split("Kiểm tra tiêu chuẩn, điều kiện", 1)[1]
    verdicts = re.findall(r"<strong>Đạt:</strong>", section)
    assert len(verdicts) >= 3
    assert section.count("Căn cứ:") >= len(verdicts)
    assert "Bước hiện tại: Ban hành quyết định bổ nhiệm" in body
    assert "Số quyết định" in body  # the last step asks the decision's header


# --- Lists -------------------------------------------------------------------------------------


def test_the_lists_show_only_the_users_scope_and_the_waiting_work(as_, personas, appointment):
    url = reverse("web:procedures")
    mine = as_("quanly").get(url).content.decode()
    assert "Nguyễn Văn An" in mine and f"Bổ nhiệm số {appointment.pk}" in mine
    outsider = as_("ngoai").get(url)
    assert outsider.status_code == 200 and "Nguyễn Văn An" not in outsider.content.decode()
    filtered = as_("quanly").get(url, {"loai": "transfer"}).content.decode()
    assert "Nguyễn Văn An" not in filtered
    done = as_("quanly").get(url, {"trang_thai": "done"}).content.decode()
    assert "Nguyễn Văn An" not in done
    bad = as_("quanly").get(url, {"trang_thai": "xyz"})
    assert bad.status_code == 400 and "Không có trạng thái «xyz»" in bad.content.decode()

    waiting = reverse("web:procedures_waiting")
    assert "Nguyễn Văn An" in as_("nhaplieu").get(waiting).content.decode()
    assert "Nguyễn Văn An" not in as_("quanly").get(waiting).content.decode()
    act(personas["nhaplieu"], appointment, "appointment.proposal")
    assert "Nguyễn Văn An" not in as_("nhaplieu").get(waiting).content.decode()
    assert "Nguyễn Văn An" in as_("quanly").get(waiting).content.decode()
    work = as_("quanly").get(reverse("web:work")).content.decode()
    assert f'href="{waiting}"' in work and "quy trình nhân sự chờ bạn thực hiện" in work
    assert f'href="{url}"' in work  # the navigation's link


def test_a_procedure_page_is_404_to_who_may_not_open_the_dossier(as_, appointment):
    url = reverse("web:procedure", args=[appointment.pk])
    for who in ("ngoai", "quantri"):
        response = as_(who).get(url)
        assert response.status_code == 404 and "Nguyễn Văn An" not in response.content.decode()
    assert as_("thanhtra").get(url).status_code == 200  # an auditor reads, without a form
    assert 'name="outcome"' not in as_("thanhtra").get(url).content.decode()
    assert as_("quanly").get(reverse("web:procedure", args=[999999])).status_code == 404


def test_an_ineligible_person_is_refused_at_the_eligibility_step_with_the_rules(
    as_, personas, appointment
):
    """R-APPOINT-SAFE: the records manager sees today's verdict before signing; approving it
    is refused with the failed rules' messages, and nothing is written."""
    from datetime import timedelta

    from hoso.changes.services.changesets import changeset_approve
    from hoso.changes.services.decisions import decision_register

    day = today()
    discipline = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="discipline",
        number="21/QĐ-KL",
        signed_date=day - timedelta(days=10),
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=day - timedelta(days=9),
        effective_date=day - timedelta(days=10),
        personal_id=appointment.personal_id,
        parameters={"form_code": "reprimand", "reason": "Vi phạm quy chế làm việc"},
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=discipline.changeset_id)
    act(personas["nhaplieu"], appointment, "appointment.proposal")
    act(personas["quanly"], appointment, "appointment.planning")
    act(personas["lanhdao"], appointment, "appointment.vote", data=VOTES)
    client = as_("quanly")
    body = page(client, appointment)
    today_verdict = body.split('id="xet-dieu-kien"', 1)[1].split("</ul>", 1)[0]
    assert "<strong>Không đạt:</strong> Không trong thời hạn kỷ luật" in today_verdict
    assert "(đến ngày " in today_verdict and "Căn cứ: Luật Cán bộ, công chức" in today_verdict
    response = step_post(
        client, appointment, documents={"phieu_tham_dinh": pdf_upload("tham-dinh.pdf")}
    )
    refused = response.content.decode()
    assert response.status_code == 400
    assert "Người được đề xuất chưa đủ điều kiện" in refused
    assert appointment.steps.count() == 3
