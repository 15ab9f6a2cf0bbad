"""/api/v1 components: list, upload (multipart), status and progress, OCR search."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.documents.components_common import (  # noqa: F401 - documents_sandbox
    NHUNG,
    blank_pdf,
    documents_sandbox,
    stored_files,
)
from tests.documents.scans import scan

from hoso.access.services import token_create
from hoso.documents.models import Component

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


@pytest.fixture
def nhung(make_dossier):
    return make_dossier(full_name=NHUNG, sex="F")


def upload(client, personal_id, filename, data, **fields):
    return client.post(
        f"/api/v1/people/{personal_id}/components",
        {
            "kind": "birth_certificate",
            "title": "Giấy khai sinh",
            **fields,
            "file": SimpleUploadedFile(filename, data),
        },
    )


def test_upload_then_status_then_list(api, nhung, settings, django_capture_on_commit_callbacks):
    settings.HOSO_OCR_TIMEOUT_SECONDS = 0  # the API, not OCR, is under test: review path
    data = scan(["Giấy khai sinh"], "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api("nhaplieu"), nhung.personal_id, "khai-sinh.png", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind_name"] == "Bản sao giấy khai sinh"
    assert body["section"] == "identity" and body["media_type"] == "image/png"
    assert body["original_size"] == len(data)

    detail = api("quanly").get(f"/api/v1/components/{body['id']}")
    assert detail.status_code == 200
    shown = detail.json()
    assert shown["status"] == "needs_review"
    assert "quá thời gian" in shown["status_note"]
    assert shown["progress"] == 0 and shown["ocr_text"] is None
    assert [e["event_type"] for e in shown["events"]][:3] == [
        "ingestion",
        "message digest calculation",
        "validation",
    ]
    listed = api("quanly").get(f"/api/v1/people/{nhung.personal_id}/components").json()
    assert [c["id"] for c in listed] == [body["id"]]


def test_outsiders_get_404_everywhere(api, nhung, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        created = upload(api("nhaplieu"), nhung.personal_id, "a.png", scan(["A"], "PNG"))
    component_id = created.json()["id"]
    outsider = api("ngoai")
    assert outsider.get(f"/api/v1/components/{component_id}").status_code == 404
    assert outsider.get(f"/api/v1/people/{nhung.personal_id}/components").status_code == 404
    assert outsider.get("/api/v1/components/999999").json()["error"]["code"] == "not_found"
    refused = upload(outsider, nhung.personal_id, "b.png", scan(["B"], "PNG"))
    assert refused.status_code == 404
    assert Component.objects.count() == 1
    assert Client().get(f"/api/v1/components/{component_id}").status_code == 401


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "type_mismatch"),
        ("trong.jpg", b"", "empty_file"),
    ],
)
def test_a_bad_upload_is_a_422_with_its_code_and_stores_nothing(api, nhung, filename, data, code):
    before = stored_files()
    response = upload(api("nhaplieu"), nhung.personal_id, filename, data)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert not Component.objects.exists()
    assert stored_files() == before


def test_the_path_in_an_uploaded_name_never_reaches_the_record(
    api, nhung, django_capture_on_commit_callbacks
):
    # Django's multipart parser already keeps only the last part of the name; `intake`
    # refuses what is left if it still looks like a path (tests/documents/test_intake.py).
    with django_capture_on_commit_callbacks(execute=False):
        response = upload(api("nhaplieu"), nhung.personal_id, "../../etc/passwd.pdf", blank_pdf())
    assert response.status_code == 201
    assert response.json()["original_name"] == "passwd.pdf"


def test_an_unknown_kind_is_a_422(api, nhung):
    response = upload(api("nhaplieu"), nhung.personal_id, "a.png", b"x", kind="nope")
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["code"] == "unknown_kind"


def test_search_needs_a_word_and_finds_nothing_outside_scope(api, nhung):
    assert api("quanly").get("/api/v1/components/search", {"q": " "}).status_code == 422
    body = api("ngoai").get("/api/v1/components/search", {"q": "nhung"}).json()
    assert body == {"count": 0, "results": []}


def test_the_routes_are_in_the_openapi_document(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/people/{personal_id}/components" in paths
    assert "/api/v1/components/{component_id}" in paths
    assert "/api/v1/components/search" in paths
