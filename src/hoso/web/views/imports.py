"""The upload page of imports (issue 13, item 1): a records manager uploads a workbook in
hoso's template or a JSON lines file, checks it or imports it as proposals — the page follows
the run (htmx polls its progress, then shows the report) — and approves a batch another
account imported, signing it.

Views are thin: `exchange.imports.services` checks, writes and signs.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hoso.core.errors import ValidationFailed
from hoso.exchange.imports import selectors
from hoso.exchange.imports.services import batch_approve
from hoso.exchange.imports.services.background import run_start
from hoso.exchange.models import RunStatus
from hoso.web.views.common import not_found


class UploadForm(forms.Form):
    tep = forms.FileField(label="Tệp nhập (.xlsx theo mẫu hoặc .jsonl)")
    chi_kiem_tra = forms.BooleanField(label="Chỉ kiểm tra, chưa nhập", required=False)


def _run_context(run) -> dict:  # noqa: ANN001
    return {"run": run, "running": run.status == RunStatus.RUNNING if run else False}


@login_required
@never_cache
def imports(request: HttpRequest) -> HttpResponse:
    if not selectors.may_import(request.user):
        return not_found(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["tep"]
        run = run_start(
            acting_user=request.user,
            file_name=upload.name,
            content=upload.chunks(),
            dry_run=form.cleaned_data["chi_kiem_tra"],
        )
        return redirect(f"{reverse('web:imports')}?lan={run.pk}")
    run = None
    if (wanted := request.GET.get("lan", "")).isdigit():
        run = selectors.run_for(request.user, int(wanted))
    context = {"form": form, **_run_context(run), "batches": list(selectors.open_batches())}
    return render(request, "hoso/imports/upload.html", context, status=200)


@login_required
@never_cache
@require_GET
def import_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's fragment, polled while it runs; once it is over, the whole page is
    reloaded (its batches have changed)."""
    run = selectors.run_for(request.user, pk) if selectors.may_import(request.user) else None
    if run is None:
        return not_found(request)
    response = render(request, "hoso/imports/_run.html", _run_context(run))
    if run.status != RunStatus.RUNNING:
        response["HX-Refresh"] = "true"
    return response


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
