"""Searching the OCR text: accent-insensitive, all words, only what the reader may see."""

from __future__ import annotations

import io

import pytest
from tests.documents.components_common import NHUNG, documents_sandbox  # noqa: F401
from tests.documents.scans import RESUME_LINES, scan

from hoso.audit.models import AuditAction, AuditEvent
from hoso.core.errors import NotFound, ValidationFailed
from hoso.documents.models import ComponentStatus
from hoso.documents.selectors import components as selectors
from hoso.documents.services.components import component_add

pytestmark = pytest.mark.django_db


def test_the_name_is_found_without_diacritics_within_what_the_reader_may_see(
    make_dossier, personas, django_capture_on_commit_callbacks
):
    nhung = make_dossier(full_name=NHUNG, sex="F")
    other = make_dossier(full_name="Trần Văn Bình")
    with django_capture_on_commit_callbacks(execute=True):
        resume = component_add(
            acting_user=personas["nhaplieu"],
            personal_id=nhung.personal_id,
            kind="resume",  # sensitive, whole dossier
            title="Sơ yếu lý lịch",
            filename="2c.jpg",
            content=io.BytesIO(scan(RESUME_LINES, "JPEG")),
        )
    resume.refresh_from_db()
    assert resume.status == ComponentStatus.READY, resume.status_note

    hits = selectors.component_search(personas["quanly"], "nguyen thi hong nhung")
    assert [(c.pk, p.personal_id) for c, p in hits] == [(resume.pk, nhung.personal_id)]
    assert selectors.component_search(personas["quanly"], "NGUYỄN Thị HỒNG") == hits
    assert selectors.component_search(personas["quanly"], "001185012345") == hits
    # ALL the words must be there.
    assert selectors.component_search(personas["quanly"], "nguyen thi hong binh") == []
    # Outside the reader's duty: nothing, and not even a hint.
    assert selectors.component_search(personas["ngoai"], "nguyen thi hong nhung") == []
    # A leader reads up to "personal": a résumé scan (sensitive) stays hidden from them.
    assert selectors.component_search(personas["lanhdao"], "nguyen thi hong nhung") == []
    with pytest.raises(NotFound):
        selectors.component_for(personas["lanhdao"], resume.pk)
    assert selectors.components_for(personas["lanhdao"], nhung.personal_id) == []
    assert [c.pk for c in selectors.components_for(personas["quanly"], nhung.personal_id)] == [
        resume.pk
    ]
    assert selectors.components_for(personas["quanly"], other.personal_id) == []
    with pytest.raises(NotFound):
        selectors.component_for(personas["ngoai"], resume.pk)
    with pytest.raises(NotFound):
        selectors.components_for(personas["ngoai"], nhung.personal_id)

    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH).order_by("seq")
    first = searches.first()
    assert first.actor_username == "quanly"
    assert first.detail["shown"] == [nhung.personal_id]
    assert first.detail["query"] == {"component_text": "hong nguyen nhung thi"}
    denied = AuditEvent.objects.filter(
        action=AuditAction.DOSSIER_READ_DENIED, actor_username="lanhdao"
    ).first()
    assert denied.detail["component"] == resume.pk


def test_words_ignore_case_accents_and_d_stroke():
    assert selectors.words("Đặng THỊ Ánh, số 15/QĐ-UBND") == {
        "dang",
        "thi",
        "anh",
        "so",
        "15",
        "qd",
        "ubnd",
    }


@pytest.mark.parametrize("query", ["", "   ", "!!! ..."])
def test_an_empty_query_is_refused(personas, query):
    with pytest.raises(ValidationFailed) as caught:
        selectors.component_search(personas["quanly"], query)
    assert caught.value.problems[0].code == "empty_query"


def test_a_missing_component_is_the_same_404(personas):
    with pytest.raises(NotFound):
        selectors.component_for(personas["quanly"], 987654)
