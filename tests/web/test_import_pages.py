"""The upload page follows its run (issue 13, item 1): the upload starts a run and sends the
page to it; the run's fragment is its importer's only, polled while it runs, and says the
outcome and the report once it is done (the browser test uploads and approves for real)."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import dossier, login
from hoso.exchange.models import ImportRun, RunStatus


def _upload(client, lines: list[dict], *, dry_run: bool = False):
    body = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in lines).encode()
    data = {"tep": SimpleUploadedFile("dot-nhap.jsonl", body)}
    if dry_run:
        data["chi_kiem_tra"] = "on"
    return client.post(reverse("web:imports"), data)


def test_an_upload_sends_the_page_to_its_run_and_the_run_says_the_outcome(client, personas):
    login(client, personas["quanly"])
    bad = dossier(full_name="Lỗi Thị Ngày", sex="F")
    bad["identity"]["birth_date"] = "2020-02-31"
    response = _upload(client, [dossier(full_name="Hồ Văn Tốt"), bad])
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:imports')}?lan={run.pk}"
    assert run.status == RunStatus.DONE and (run.total, run.done) == (2, 2)
    page = client.get(response["Location"]).content.decode()
    assert "Kết quả nhập" in page and "Báo cáo lỗi" in page
    assert bad["identity"]["personal_id"] in page
    assert "hx-trigger" not in page  # over: nothing to poll
    fragment = client.get(reverse("web:import_run", args=[run.pk]))
    assert fragment["HX-Refresh"] == "true"
    assert "1</span> hồ sơ có lỗi, không nhập" in fragment.content.decode()


def test_a_running_run_is_polled_and_only_by_its_importer(client, personas):
    login(client, personas["quanly"])
    run = ImportRun.objects.create(
        importer=personas["quanly"], file_name="lon.jsonl", total=40000, done=12000
    )
    page = client.get(f"{reverse('web:imports')}?lan={run.pk}").content.decode()
    assert f'hx-get="{reverse("web:import_run", args=[run.pk])}"' in page
    assert 'hx-trigger="every 1s"' in page
    assert "Đã xử lý 12000 trên 40000 hồ sơ" in page
    fragment = client.get(reverse("web:import_run", args=[run.pk]))
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment
    other = ImportRun.objects.create(importer=personas["nhaplieu"], file_name="khac.jsonl")
    assert client.get(reverse("web:import_run", args=[other.pk])).status_code == 404
    page = client.get(f"{reverse('web:imports')}?lan={other.pk}").content.decode()
    assert "khac.jsonl" not in page
