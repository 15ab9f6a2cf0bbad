"""Discrepancies with the paper dossier (R-DISCREPANCY): reported from the dossier page by
anyone who may open it, listed in scope, verified with a signature by a records manager."""

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
from hoso.changes.models import DiscrepancyStatus
from hoso.changes.selectors import records
from hoso.changes.selectors.discrepancies import describe
from hoso.changes.services import discrepancies as service
from hoso.core.errors import NotFound, ValidationFailed
from hoso.web.forms.work import DiscrepancyReportForm, ResolveForm
from hoso.web.presenters import work as work_presenters
from hoso.web.views.common import not_found

PER_PAGE = 30
STATUS_SLUGS = {"dang-mo": DiscrepancyStatus.OPEN, "da-xac-minh": DiscrepancyStatus.RESOLVED}


@login_required
@never_cache
def discrepancy_report(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        access = policies.dossier_access(
            request.user, personal_id, purpose=Purpose.DISCREPANCY_REPORT
        )
    except NotFound:
        return not_found(request, what="hồ sơ")
    form = DiscrepancyReportForm(request.POST or None, access=access)
    if request.method == "POST":
        if form.is_valid():
            try:
                found = service.discrepancy_report(
                    acting_user=request.user,
                    personal_id=personal_id,
                    sections=form.cleaned_data["sections"],
                    field=form.cleaned_data["field"],
                    paper_says=form.cleaned_data["paper_says"],
                    evidence=form.cleaned_data["evidence"],
                )
            except NotFound:
                return not_found(request, what="hồ sơ")
            except ValidationFailed as error:
                form.add_problems(error)
            else:
                messages.success(
                    request,
                    f"Đã gửi cảnh báo sai lệch số {found.pk}. Cảnh báo hiện trên hồ sơ cho đến "
                    "khi cán bộ quản lý hồ sơ xác minh.",
                )
                return redirect("web:dossier", personal_id=personal_id)
        status = 400
    else:
        status = 200
    context = {"form": form, "person": access.person}
    return render(request, "hoso/work/discrepancy_report.html", context, status=status)


@login_required
@never_cache
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("trang_thai", "dang-mo")
    status = STATUS_SLUGS.get(slug, DiscrepancyStatus.OPEN)
    qs = work_presenters.discrepancies_in_scope(request.user, status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "d": d,
            "sections": work_presenters.section_titles(list(d.sections)),
            "field": work_presenters.field_name(d.field) if d.field else "",
        }
        for d in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "slug": "da-xac-minh" if status == DiscrepancyStatus.RESOLVED else "dang-mo",
        "records_manager": policies.is_records_manager(request.user),
        "query": request.GET.copy(),
    }
    return render(request, "hoso/work/discrepancy_list.html", context)


def _gated(request: HttpRequest, pk: int, purpose: str):
    """The discrepancy and the gate's answer for its dossier, or (None, None)."""
    try:
        return records.discrepancy_for(request.user, pk, purpose)
    except NotFound:
        return None, None


def _detail(request, found, access, form, status=200) -> HttpResponse:
    visible = (
        access.can_see(found.field)
        if found.field
        else any(access.can_see(f) for f in access.fields if f.split(".")[0] in found.sections)
    )
    context = {
        "d": found,
        "person": access.person,
        "describe": describe(found),
        "sections": work_presenters.section_titles(list(found.sections)),
        "field": work_presenters.field_name(found.field) if found.field else "",
        "content_visible": visible,
        "may_resolve": found.status == DiscrepancyStatus.OPEN
        and policies.is_records_manager(request.user),
        "form": form,
        "reported_at": work_presenters.vn_date(found.reported_at),
        "verified_on": work_presenters.vn_date(found.verified_on),
    }
    return render(request, "hoso/work/discrepancy_detail.html", context, status=status)


@login_required
@never_cache
def discrepancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _gated(request, pk, Purpose.DISCREPANCY_VIEW)
    if found is None:
        return not_found(request, what="cảnh báo sai lệch")
    return _detail(request, found, access, ResolveForm())


@login_required
@require_POST
def discrepancy_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    found, access = _gated(request, pk, Purpose.DISCREPANCY_RESOLVE)
    if found is None:
        return not_found(request, what="cảnh báo sai lệch")
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            service.discrepancy_resolve(
                acting_user=request.user, discrepancy_id=pk, note=form.cleaned_data["note"]
            )
        except NotFound:
            return not_found(request, what="cảnh báo sai lệch")
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(
                request,
                f"Đã xác minh và ký cảnh báo sai lệch số {pk}. Việc cập nhật thông tin đúng "
                "phải hoàn thành trong 5 ngày làm việc.",
            )
            return redirect("web:discrepancy", pk=pk)
    found.refresh_from_db()
    return _detail(request, found, access, form, status=400)
