"""Reviewing change sets (R-CORRECT): a records manager sees the pending proposals of their
scope, the field-by-field diff as the gate lets them see it, and approves (signed) or rejects
with a reason. The services refuse self-approval, stale proposals, frozen ones and approvers
without a signing key; the page says why in Vietnamese."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies
from hoso.audit.purposes import Purpose
from hoso.changes.selectors import changesets as changeset_selectors
from hoso.changes.selectors import discrepancies, records
from hoso.changes.selectors.versions import current_version_number
from hoso.changes.services import changesets as changeset_services
from hoso.core.errors import NotFound, ValidationFailed
from hoso.web.forms.work import RejectForm
from hoso.web.presenters import work as work_presenters
from hoso.web.views.common import not_found

PER_PAGE = 30


@login_required
@never_cache
def changeset_list(request: HttpRequest) -> HttpResponse:
    if not policies.is_records_manager(request.user):
        return not_found(request)
    qs = work_presenters.pending_in_scope(request.user)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "c": c,
            "sections": work_presenters.section_titles(list(c.sections)),
            "own": c.proposer_id == request.user.pk,
        }
        for c in page.object_list
    ]
    context = {"page": page, "rows": rows, "query": request.GET.copy()}
    return render(request, "hoso/work/changeset_list.html", context)


def _gated(request: HttpRequest, pk: int, purpose: str):
    try:
        return records.changeset_for(request.user, pk, purpose)
    except NotFound:
        return None, None


def _detail(request, changeset, access, form, status=200) -> HttpResponse:
    try:
        # Both sides as this reviewer may see them: from their own decision, masked alike.
        changes = changeset_selectors.changeset_diff(access, changeset)
        problem = ""
    except ValidationFailed as error:  # operations that no longer apply to the dossier
        changes, problem = [], "; ".join(p.message for p in error.problems)
    context = {
        "c": changeset,
        "person": access.person,
        "sections": work_presenters.section_titles(list(changeset.sections)),
        "rows": work_presenters.diff_rows(changes, access),
        "diff_problem": problem,
        "frozen": [discrepancies.describe(d) for d in discrepancies.freezing(changeset)],
        "own": changeset.proposer_id == request.user.pk,
        "stale": changeset.base_version != current_version_number(changeset.personal_id),
        "form": form,
    }
    return render(request, "hoso/work/changeset_detail.html", context, status=status)


@login_required
@never_cache
def changeset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    changeset, access = _gated(request, pk, Purpose.CHANGESET_REVIEW)
    if changeset is None:
        return not_found(request, what="đề xuất thay đổi")
    return _detail(request, changeset, access, RejectForm())


def _refused(request: HttpRequest, error: ValidationFailed) -> None:
    if error.message and error.message != "Dữ liệu không hợp lệ.":
        messages.error(request, error.message)
    for problem in error.problems:
        messages.error(request, problem.message)


@login_required
@require_POST
def changeset_approve(request: HttpRequest, pk: int) -> HttpResponse:
    changeset, _ = _gated(request, pk, Purpose.CHANGESET_APPROVE)
    if changeset is None:
        return not_found(request, what="đề xuất thay đổi")
    try:
        version = changeset_services.changeset_approve(acting_user=request.user, changeset_id=pk)
    except ValidationFailed as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"Đã phê duyệt và ký đề xuất số {pk}: hồ sơ {changeset.personal_id} có phiên bản "
            f"{version.number}.",
        )
    return redirect("web:changeset", pk=pk)


@login_required
@require_POST
def changeset_reject(request: HttpRequest, pk: int) -> HttpResponse:
    changeset, access = _gated(request, pk, Purpose.CHANGESET_REJECT)
    if changeset is None:
        return not_found(request, what="đề xuất thay đổi")
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            changeset_services.changeset_reject(
                acting_user=request.user, changeset_id=pk, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            if any(p.field == "reason" for p in error.problems):
                form.add_problems(error)
                changeset.refresh_from_db()
                return _detail(request, changeset, access, form, status=400)
            _refused(request, error)
        else:
            messages.success(request, f"Đã từ chối đề xuất số {pk}.")
    return redirect("web:changeset", pk=pk)
