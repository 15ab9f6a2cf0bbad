"""Paper dossier loans (mượn hồ sơ giấy; seed 003, R-WRITTEN-APPROVAL): the records manager's
list of loans (open, overdue, history, by unit), and a dossier's paper page — where the paper
is now, its loans, and for its records manager the forms to lend, take back and extend.

Views are thin: the gate and `documents.selectors.lending` read, `documents.services.lending`
writes and judges; refusals go next to the field they name, the form keeping what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies, recorder
from hoso.audit.purposes import Purpose
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.core.errors import NotFound, ValidationFailed
from hoso.documents.selectors import lending as selectors
from hoso.documents.services import lending as service
from hoso.orgs import selectors as org_selectors
from hoso.web.forms.lending import LoanExtendForm, LoanFilterForm, LoanOpenForm, LoanReturnForm
from hoso.web.presenters import lending as presenters
from hoso.web.views.common import not_found

PER_PAGE = 30
TABS = {
    "dang-muon": ("Đang cho mượn", selectors.open_loans),
    "qua-han": ("Quá hạn trả", selectors.overdue_loans),
    "da-tra": ("Đã trả (lịch sử)", selectors.returned_loans),
}


@login_required
@never_cache
def paper_loans(request: HttpRequest) -> HttpResponse:
    """The records manager's loans: open, overdue or returned, in their duties' units."""
    roots = selectors.duty_units(request.user)
    if not roots:
        return not_found(request)
    units = [
        (org.code, org.name)
        for root in roots
        for org in org_selectors.org_list(on=local_today(), root=root)
    ]
    form = LoanFilterForm(request.GET or None, units=units)
    unit = None
    if form.is_valid() and form.cleaned_data["don_vi"]:
        unit = org_selectors.org_get(form.cleaned_data["don_vi"])
    tab = request.GET.get("tab", "dang-muon")
    if tab not in TABS:
        tab = "dang-muon"
    scope = selectors.loan_scope(request.user, unit=unit)
    page = Paginator(TABS[tab][1](scope), PER_PAGE).get_page(request.GET.get("page"))
    loans = list(page.object_list)
    recorder.listed(
        request.user,
        query={"tab": tab, "unit": unit.code if unit else "", "page": page.number},
        shown=[loan.personal_id for loan in loans],
        total=page.paginator.count,
        purpose=Purpose.PAPER_LOANS,
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "tab": tab,
        "tabs": [(slug, label) for slug, (label, _) in TABS.items()],
        "counts": selectors.counts(scope),
        "rows": presenters.loan_rows(request.user, loans),
        "page": page,
        "query": query,
        "unit_query": f"&don_vi={unit.code}" if unit else "",
        "today": vn(local_today()),
    }
    return render(request, "hoso/lending/list.html", context)


def _page(
    request: HttpRequest,
    access: policies.DossierAccess,
    *,
    open_form: LoanOpenForm | None = None,
    return_form: LoanReturnForm | None = None,
    extend_form: LoanExtendForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    today = local_today()
    loans = selectors.loans_of(access)
    current = next((loan for loan in loans if loan.is_open), None)
    may_lend = selectors.may_lend(request.user, access)
    context = {
        "person": access.person,
        "full_name": access.person.full_name if access.can_see("identity.full_name") else "",
        "current": presenters.loan_row(current, access, today) if current else None,
        "extensions": presenters.extension_rows(current) if current else [],
        "rows": [presenters.loan_row(loan, access, today) for loan in loans],
        "may_lend": may_lend,
        "open_form": open_form or LoanOpenForm(initial={"out_date": today.strftime("%d/%m/%Y")}),
        "return_form": return_form
        or LoanReturnForm(initial={"returned_on": today.strftime("%d/%m/%Y")}),
        "extend_form": extend_form or LoanExtendForm(),
        "refusal": refusal,
        "today": vn(today),
    }
    return render(request, "hoso/lending/paper.html", context, status=status)


@login_required
@never_cache
def paper_dossier(request: HttpRequest, personal_id: str) -> HttpResponse:
    """A dossier's paper: where it is now, its loans; the forms for its records manager."""
    try:
        access = policies.dossier_access(request.user, personal_id, purpose=Purpose.PAPER_LOAN_VIEW)
    except NotFound:
        return not_found(request, what="hồ sơ")
    return _page(request, access)


def _refused_page(
    request: HttpRequest, personal_id: str, status: int, refusal: str = "", **forms
) -> HttpResponse:
    """The dossier's paper page again with the refused form, or the one 404."""
    try:
        access = policies.dossier_access(request.user, personal_id, purpose=Purpose.PAPER_LOAN_VIEW)
    except NotFound:
        return not_found(request, what="hồ sơ")
    if not selectors.may_lend(request.user, access):
        return _page(request, access, refusal=service.NotRecordsManager().message, status=403)
    return _page(request, access, status=status, refusal=refusal, **forms)


@login_required
@require_POST
def paper_loan_open(request: HttpRequest, personal_id: str) -> HttpResponse:
    form = LoanOpenForm(request.POST)
    status, refusal = 400, ""
    if form.is_valid():
        try:
            loan = service.loan_open(
                acting_user=request.user, personal_id=personal_id, **form.service_kwargs()
            )
        except NotFound:
            return not_found(request, what="hồ sơ")
        except service.NotRecordsManager:
            status = 403
        except service.LoanConflict as conflict:
            # Said at the top: the paper's state has changed, so the page shows other forms.
            refusal = conflict.message
            status = 409
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(
                request,
                f"Đã ghi nhận cho mượn hồ sơ giấy: {service.holder(loan)}, hạn trả "
                f"{vn(loan.due_date)}.",
            )
            return redirect("web:paper_dossier", personal_id=personal_id)
    return _refused_page(request, personal_id, status, refusal, open_form=form)


def _on_loan(
    request: HttpRequest,
    pk: int,
    form: LoanReturnForm | LoanExtendForm,
    act: Callable[..., Any],
    done: Callable[[Any], str],
    form_name: str,
) -> HttpResponse:
    """Return or extend the loan `pk` with the form's data: on success the dossier's paper
    page with `done(loan)`; else that page again with the form and why (400, 403, 409)."""
    status, refusal = 400, ""
    if form.is_valid():
        try:
            loan = act(acting_user=request.user, loan_id=pk, **form.cleaned_data)
        except NotFound:
            return not_found(request, what="hồ sơ")
        except service.NotRecordsManager:
            status = 403
        except service.LoanConflict as conflict:
            # Said at the top: the paper's state has changed, so the page shows other forms.
            refusal = conflict.message
            status = 409
        except ValidationFailed as error:
            form.add_problems(error)
        else:
            messages.success(request, done(loan))
            return redirect("web:paper_dossier", personal_id=loan.personal_id)
    pid = selectors.loan_personal_id(pk)
    if pid is None:
        return not_found(request, what="hồ sơ")
    return _refused_page(request, pid, status, refusal, **{form_name: form})


@login_required
@require_POST
def paper_loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_loan(
        request,
        pk,
        LoanReturnForm(request.POST),
        service.loan_return,
        lambda loan: (
            f"Đã ghi nhận nhận lại hồ sơ giấy ngày {vn(loan.returned_on)}. Hồ sơ "
            "giấy đang lưu tại bộ phận quản lý hồ sơ."
        ),
        "return_form",
    )


@login_required
@require_POST
def paper_loan_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_loan(
        request,
        pk,
        LoanExtendForm(request.POST),
        service.loan_extend,
        lambda loan: f"Đã gia hạn trả hồ sơ giấy đến {vn(loan.due_date)}.",
        "extend_form",
    )
