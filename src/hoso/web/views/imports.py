"""The upload page of imports (issue 13, item 1): a records manager uploads a workbook in
hoso's template or a JSON lines file, checks it (the report on the page) or imports it as
proposals, and approves a batch another account imported, signing it.

Views are thin: `exchange.imports.services` checks, writes and signs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.core.errors import ValidationFailed
from hoso.exchange.imports import selectors
from hoso.exchange.imports.services import batch_approve, import_run
from hoso.web.views.common import not_found

REPORT_ROWS = 500  # shown on the page; the command writes them all


class UploadForm(forms.Form):
    tep = forms.FileField(label="Tệp nhập (.xlsx theo mẫu hoặc .jsonl)")
    chi_kiem_tra = forms.BooleanField(label="Chỉ kiểm tra, chưa nhập", required=False)


@login_required
@never_cache
def imports(request: HttpRequest) -> HttpResponse:
    if not selectors.may_import(request.user):
        return not_found(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    outcome, dry_run = None, False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["tep"]
        dry_run = form.cleaned_data["chi_kiem_tra"]
        with tempfile.TemporaryDirectory(prefix="hoso-import-") as directory:
            # The file keeps its name (the report names it) in a private temporary folder.
            path = Path(directory) / Path(upload.name).name
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            outcome = import_run(acting_user=request.user, paths=[path], dry_run=dry_run)
    context = {
        "form": form,
        "outcome": outcome,
        "dry_run": dry_run,
        "issues": outcome.issues[:REPORT_ROWS] if outcome else [],
        "batches": list(selectors.open_batches()),
    }
    return render(request, "hoso/imports/upload.html", context, status=200)


@login_required
@require_POST
def import_batch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_import(request.user):
        return not_found(request)
    try:
        batch = batch_approve(acting_user=request.user, batch_id=pk)
    except ValidationFailed as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Đã phê duyệt đợt nhập số {batch.pk} ({batch.items.count()} hồ sơ) và ký số bảng kê.",
        )
    return redirect("web:imports")
