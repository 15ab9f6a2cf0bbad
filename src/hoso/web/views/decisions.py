"""Personnel decisions on the web (R-10D-DECISION, R-APPOINT-SAFE; issue 10 item 3).

Registering a decision from a page: choose its type (grouped as the catalog), fill the form
that asks exactly the parameters of that type, preview — the field-by-field change, the
eligibility rules' verdicts with their legal basis, the staffing quota it would exceed —,
attach the scanned decision and save: `decision_register` proposes the change set for a
records manager's approval and opens the duty to enter it; the scan is added by the documents
upload service, linked to that change set, in the same transaction (a refused scan leaves
nothing behind). A dossier's decisions are listed with their status and scans. Missing and
forbidden are the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from hoso.access import policies
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import codes, name_of
from hoso.changes.models import PersonnelDecision
from hoso.changes.selectors.decisions import decisions_of, joins_unit
from hoso.changes.services.decisions import (
    decision_preview,
    decision_register,
    decision_writer,
    may_register,
)
from hoso.core.dates import vn
from hoso.core.errors import DomainError, NotFound, ValidationFailed
from hoso.documents.selectors.components import components_visible
from hoso.documents.services.components import component_add
from hoso.web.forms.decisions import DecisionForm, type_choices
from hoso.web.presenters.decisions import decision_rows, preview_context, section_of
from hoso.web.views.common import not_found, write_refused

SCAN_KIND = "decision"  # catalog component_kind: "Quyết định nhân sự"


def _registered(request: HttpRequest, form: DecisionForm, personal_id: str) -> PersonnelDecision:
    """Register the decision and add its scan as one write: a scan the upload service refuses
    rolls the registration back."""
    args = form.arguments()
    scan = form.cleaned_data["scan"]
    with transaction.atomic():
        decision = decision_register(acting_user=request.user, personal_id=personal_id, **args)
        component_add(
            acting_user=request.user,
            personal_id=personal_id,
            kind=SCAN_KIND,
            title=f"Quyết định số {decision.number} ngày {vn(decision.signed_date)}",
            filename=scan.name,
            content=scan.chunks(),
            section=section_of(decision.decision_type),
            changeset_id=decision.changeset_id,
        )
    return decision


@login_required
@never_cache
def decision_new(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        access = decision_writer(request.user, personal_id, Purpose.DECISION_REGISTER)
    except NotFound:
        return not_found(request, what="hồ sơ")
    except ValidationFailed as error:  # handed over: a read-only trace here
        return write_refused(request, error, personal_id)
    source = request.POST if request.method == "POST" else request.GET
    chosen = (source.get("decision_type") or source.get("loai") or "").strip()
    context: dict = {"person": access.person, "groups": type_choices(), "chosen": chosen}
    status = 200
    if chosen and chosen not in codes("decision_type"):
        context["type_error"] = f"Loại quyết định «{chosen}» không có trong danh mục."
        return render(request, "hoso/decisions/new.html", context, status=400)
    if not chosen:
        return render(request, "hoso/decisions/new.html", context)
    context["type_name"] = name_of("decision_type", chosen)
    context["joins_unit"] = joins_unit(chosen)
    if request.method != "POST":
        context["form"] = DecisionForm(decision_type=chosen)
        return render(request, "hoso/decisions/new.html", context)
    form = DecisionForm(request.POST, request.FILES, decision_type=chosen)
    context["form"] = form
    if form.is_valid():
        try:
            preview = decision_preview(
                acting_user=request.user, personal_id=personal_id, **form.arguments()
            )
        except NotFound:
            return not_found(request, what="hồ sơ")
        context["preview"] = preview_context(preview)
        form.add_problems(ValidationFailed(preview.problems))
        saving = request.POST.get("action") == "save"
        if saving and not preview.blocked:
            if not form.cleaned_data.get("scan"):
                form.add_problem("scan", "Đính kèm bản quét của quyết định trước khi lưu.")
            else:
                try:
                    decision = _registered(request, form, personal_id)
                except NotFound:
                    return not_found(request, what="hồ sơ")
                except ValidationFailed as error:
                    form.add_problems(error)
                except DomainError as error:
                    form.add_problem("scan", error.message)
                else:
                    messages.success(
                        request,
                        f"Đã đăng ký quyết định số {decision.number}: đề xuất thay đổi số "
                        f"{decision.changeset_id} chờ cán bộ quản lý hồ sơ phê duyệt.",
                    )
                    return redirect("web:decisions", personal_id=personal_id)
    if form.errors:
        status = 400
    return render(request, "hoso/decisions/new.html", context, status=status)


@login_required
@never_cache
def decisions(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        access = policies.dossier_access(request.user, personal_id, purpose=Purpose.DECISIONS)
    except NotFound:
        return not_found(request, what="hồ sơ")
    rows = decision_rows(decisions_of(personal_id), components_visible(access), access)
    context = {
        "person": access.person,
        "rows": rows,
        "may_register": may_register(request.user, access.person),
    }
    return render(request, "hoso/decisions/list.html", context)
