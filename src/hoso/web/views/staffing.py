"""Staffing of a unit (R-NATIONAL, R-JOB-POSITION): its standing (quota, people at work, job
positions) for every signed-in user, as the agency tree is; setting quotas and keeping job
positions for the records manager whose duty covers the unit — anyone else gets the one 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.audit.models import AuditAction
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.orgs import selectors as org_selectors
from hoso.orgs.models import JobPosition, Organization
from hoso.staffing import selectors as staffing_selectors
from hoso.staffing import services
from hoso.staffing.policies import may_keep_staffing
from hoso.web.forms.reference import YearForm
from hoso.web.forms.staffing import JobPositionEndForm, JobPositionForm, QuotaForm
from hoso.web.presenters import orgs as presenters
from hoso.web.views.common import not_found


def _kept_unit(request: HttpRequest, code: str, action: str, **detail: str) -> Organization | None:
    """The unit, when it exists and the user keeps its staffing; else None (the one 404) —
    and a refused POST is audited as the service would have."""
    org = org_selectors.org_get(code)
    if org is None or not may_keep_staffing(request.user, org):
        if request.method == "POST":
            services.staffing_write_refused(
                acting_user=request.user, action=action, unit=code, **detail
            )
        return None
    return org


def _position(org: Organization, code: str) -> JobPosition | None:
    return staffing_selectors.job_position_get(org, code)


@login_required
def staffing(request: HttpRequest, code: str) -> HttpResponse:
    org = org_selectors.org_get(code)
    if org is None:
        return not_found(request, what="đơn vị")
    year = today().year
    form = YearForm(request.GET if "nam" in request.GET else {"nam": year})
    valid = form.is_valid()
    if valid and form.cleaned_data["nam"]:
        year = form.cleaned_data["nam"]
    views = presenters.standing_views(root=org, year=year) if valid else []
    categories = sorted({v.row.staff_category for v in views})
    context = {
        "org": org,
        "form": form,
        "year": year,
        "ancestors": org_selectors.ancestors(org)[:-1],
        "rows": views,
        "chart": presenters.standing_chart(views),
        "coverage": [(c, staffing_selectors.quota_standings(org, year, c)) for c in categories],
        "history": list(staffing_selectors.quota_history(org, year=year)[:50]),
        "positions": presenters.position_views(org, today()),
        "may_keep": may_keep_staffing(request.user, org),
    }
    return render(request, "hoso/staffing/standing.html", context, status=200 if valid else 400)


@login_required
@never_cache
def quota_set(request: HttpRequest, code: str) -> HttpResponse:
    org = _kept_unit(request, code, AuditAction.QUOTA_CHANGE)
    if org is None:
        return not_found(request, what="đơn vị")
    initial = {"year": today().year}
    if "doi_tuong" in request.GET:
        initial["staff_category"] = request.GET["doi_tuong"]
    form = QuotaForm(request.POST or None, initial=initial)
    context = {"org": org, "form": form, "ancestors": org_selectors.ancestors(org)[:-1]}
    if request.method != "POST":
        return render(request, "hoso/staffing/quota_form.html", context)
    if form.is_valid():
        try:
            row = services.quota_set(
                acting_user=request.user, organization=org, **form.service_arguments()
            )
        except NotFound:
            return not_found(request, what="đơn vị")
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(
                request,
                f"Đã giao chỉ tiêu biên chế năm {row.year}: {row.quota} người ({row.legal_basis}).",
            )
            return redirect(f"{reverse('web:staffing', args=[org.code])}?nam={row.year}")
    return render(request, "hoso/staffing/quota_form.html", context, status=400)


@login_required
@never_cache
def job_position_new(request: HttpRequest, code: str) -> HttpResponse:
    org = _kept_unit(request, code, AuditAction.JOB_POSITION_CHANGE, change="create")
    if org is None:
        return not_found(request, what="đơn vị")
    form = JobPositionForm(request.POST or None, initial={"valid_from": today()})
    context = {
        "org": org,
        "form": form,
        "position": None,
        "ancestors": org_selectors.ancestors(org)[:-1],
    }
    if request.method != "POST":
        return render(request, "hoso/staffing/position_form.html", context)
    if form.is_valid():
        try:
            position = services.job_position_create(
                acting_user=request.user,
                organization=org,
                code=form.cleaned_data["code"],
                spec=form.spec(),
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except NotFound:
            return not_found(request, what="đơn vị")
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(request, f"Đã thêm vị trí việc làm «{position.name}».")
            return redirect("web:job_position", code=org.code, position=position.code)
    return render(request, "hoso/staffing/position_form.html", context, status=400)


@login_required
def job_position_detail(request: HttpRequest, code: str, position: str) -> HttpResponse:
    org = org_selectors.org_get(code)
    found = _position(org, position) if org is not None else None
    if org is None or found is None:
        return not_found(request, what="vị trí việc làm")
    return _detail(request, org, found, JobPositionEndForm())


def _detail(
    request: HttpRequest,
    org: Organization,
    position: JobPosition,
    end_form: JobPositionEndForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "org": org,
        "ancestors": org_selectors.ancestors(org)[:-1],
        "position": position,
        "versions": list(staffing_selectors.job_position_versions(position)),
        "filled": staffing_selectors.filled_of([position]).get(position.pk, 0),
        "may_keep": may_keep_staffing(request.user, org),
        "end_form": end_form,
    }
    return render(request, "hoso/staffing/position_detail.html", context, status=status)


@login_required
@never_cache
def job_position_change(request: HttpRequest, code: str, position: str) -> HttpResponse:
    org = _kept_unit(
        request, code, AuditAction.JOB_POSITION_CHANGE, change="change", position=position
    )
    found = _position(org, position) if org is not None else None
    if org is None or found is None:
        return not_found(request, what="vị trí việc làm")
    initial = {
        "name": found.name,
        "description": found.description,
        "staff_category": found.staff_category,
        "qualification_code": found.qualification_code,
        "rank_code": found.rank_code,
        "competencies": "\n".join(found.competencies),
        "headcount": found.headcount,
        "legal_basis": found.legal_basis,
        "valid_from": today(),
    }
    form = JobPositionForm(request.POST or None, initial=initial, with_code=False)
    context = {
        "org": org,
        "form": form,
        "position": found,
        "ancestors": org_selectors.ancestors(org)[:-1],
    }
    if request.method != "POST":
        return render(request, "hoso/staffing/position_form.html", context)
    if form.is_valid():
        try:
            version = services.job_position_change(
                acting_user=request.user,
                position=found,
                spec=form.spec(),
                valid_from=form.cleaned_data["valid_from"],
            )
        except NotFound:
            return not_found(request, what="vị trí việc làm")
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(
                request,
                f"Đã ghi mô tả mới của vị trí việc làm, áp dụng từ {version.valid_from:%d/%m/%Y}; "
                "mô tả trước được giữ trong lịch sử.",
            )
            return redirect("web:job_position", code=org.code, position=found.code)
    return render(request, "hoso/staffing/position_form.html", context, status=400)


@login_required
@require_POST
def job_position_end(request: HttpRequest, code: str, position: str) -> HttpResponse:
    org = _kept_unit(
        request, code, AuditAction.JOB_POSITION_CHANGE, change="end", position=position
    )
    found = _position(org, position) if org is not None else None
    if org is None or found is None:
        return not_found(request, what="vị trí việc làm")
    form = JobPositionEndForm(request.POST)
    if form.is_valid():
        try:
            services.job_position_end(
                acting_user=request.user,
                position=found,
                valid_to=form.cleaned_data["valid_to"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except NotFound:
            return not_found(request, what="vị trí việc làm")
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(request, f"Đã kết thúc vị trí việc làm «{found.name}».")
            return redirect("web:job_position", code=org.code, position=found.code)
    found.refresh_from_db()
    return _detail(request, org, found, form, status=400)
