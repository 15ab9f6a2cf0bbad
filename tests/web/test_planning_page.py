"""The planning list of a term (issue 12, succession planning; R-ONLINE-100): on the page and the
API, each place with its post's name and dates dd/mm/yyyy, a removal with its reason; only the
units of the reader's duties; a bad term or unit refused with its message."""

import pytest
from django.test import Client
from tests.eligibility.helpers import planning

from conftest import login
from hoso.access.services import token_create

pytestmark = pytest.mark.django_db
POST = "head_division_provincial"
URL = "/quy-trinh/quy-hoach/"


@pytest.fixture
def members(make_dossier):
    kept = make_dossier(full_name="Trần Thị Bình", planning=[planning(POST, "2026-01-05")])
    removed = make_dossier(
        full_name="Lê Văn Cường",
        planning=[planning(POST, "2026-01-05", end="2026-06-30", removal="Chuyển công tác")],
    )
    return kept, removed


def test_the_page_lists_places_and_removals_in_vietnamese(personas, members):
    client = login(Client(), personas["quanly"])
    response = client.get(URL, {"don_vi": "T01.STC", "nhiem_ky": "2026-2031"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trần Thị Bình" in html and "Lê Văn Cường" in html
    assert "Trưởng phòng" in html  # the post by its name, not its code
    assert POST not in html.replace('value="', "")
    assert "05/01/2026" in html
    assert "Đến hết ngày 30/06/2026: Chuyển công tác" in html
    assert "2026-01-05" not in html


def test_a_unit_outside_the_duties_and_an_unknown_term_are_refused(personas, members):
    client = login(Client(), personas["ngoai"])
    response = client.get(URL, {"don_vi": "T01.STC", "nhiem_ky": "2026-2031"})
    assert response.status_code == 400
    assert "Bạn không được giao nhiệm vụ đối với đơn vị «T01.STC»" in response.content.decode()
    manager = login(Client(), personas["quanly"])
    response = manager.get(URL, {"don_vi": "T01.STC", "nhiem_ky": "1990-1995"})
    assert response.status_code == 400
    assert "Không có nhiệm kỳ quy hoạch «1990-1995»" in response.content.decode()


def test_the_api_keeps_codes_and_iso_dates(personas, members):
    token = token_create(acting_user=None, user=personas["quanly"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get("/api/v1/procedures/planning", {"unit": "T01.STC", "term": "2026-2031"})
    assert response.status_code == 200, response.content
    places = {e["full_name"]: e["rows"][0] for e in response.json()}
    assert places["Lê Văn Cường"]["position_code"] == POST
    assert places["Lê Văn Cường"]["to_date"] == "2026-06-30"
    refused = api.get("/api/v1/procedures/planning", {"unit": "T01.STC", "term": "x"})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["code"] == "planning_term_unknown"


def test_the_proposal_step_takes_its_note_on_the_page(personas, orgs, make_dossier):
    """The step form draws the step's field spec (`StepDef.fields`): the planning proposal's
    required note is asked on the page, refused when missing, and recorded when given."""
    from django.urls import reverse
    from tests.procedures.test_planning import start
    from tests.web.test_procedure_pages import pdf_upload, step_post

    from hoso.procedures.models import ProcedureStep

    procedure = start(personas, make_dossier())
    clerk = login(Client(), personas["nhaplieu"])
    shown = clerk.get(reverse("web:procedure", args=[procedure.pk])).content.decode()
    assert 'name="field_note"' in shown
    assert "Lý do đề xuất (nhận xét, đánh giá) (bắt buộc khi đồng ý)" in shown
    missing = step_post(clerk, procedure, documents={"to_trinh": pdf_upload()})
    assert missing.status_code == 400
    assert "Cần ghi «" in missing.content.decode()
    assert not ProcedureStep.objects.filter(procedure=procedure).exists()
    note = "Hoàn thành xuất sắc nhiệm vụ ba năm liền"
    done = step_post(clerk, procedure, documents={"to_trinh": pdf_upload()}, field_note=note)
    assert done.status_code == 302, done.content.decode()[:1500]
    assert ProcedureStep.objects.get(procedure=procedure).data["note"] == note
