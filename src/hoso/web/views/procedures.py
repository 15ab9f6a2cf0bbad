"""Personnel procedures on the web (R-ONLINE-100, R-APPOINT-SAFE; issue 12 item 1).

Start a procedure from a person's dossier (or from the list, by the person's id); the
procedure page shows its type, the person, the current step with its duty and working-day
deadline, and the signed history — each step's CMS signature checked (`step_verify`), the
eligibility verdict with every rule and its citation. The duty that owns the current step
gets its form: the outcome, the reason of a rejection, the vote counts, the documents the
step requires (each uploaded PDF is PAdES-signed with the actor's key by
`procedures.documents`), and for the last step the decision's header. Lists: the procedures
of the user's units and those waiting for them. Missing and forbidden are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies, recorder
from hoso.audit.purposes import Purpose
from hoso.core.errors import DomainError, NotFound, ValidationFailed
from hoso.federation.selectors import handovers_by_decision
from hoso.procedures import planning, selectors
from hoso.procedures.definitions import type_def
from hoso.procedures.models import ProcedureDocument, ProcedureState
from hoso.procedures.services import document_attach, procedure_start, step_act
from hoso.web.forms.procedures import StartForm, StepForm, scale_of
from hoso.web.presenters.procedures import (
    history_rows,
    list_rows,
    planning_rows,
    procedure_context,
    verdict_rows,
)
from hoso.web.views.common import not_found


def _listed(request: HttpRequest, rows: list[Any], query: dict[str, str]) -> None:
    """The lists name people: recorded as a listing (who was shown, to whom)."""
    recorder.listed(
        request.user,
        query=query,
        shown=[p.personal_id for p in rows],
        total=len(rows),
        purpose=Purpose.OBLIGATIONS,
    )


@login_required
@never_cache
def procedures(request: HttpRequest) -> HttpResponse:
    """The procedures about people of the user's units, filtered by type and state."""
    types = selectors.type_choices()
    chosen_type = request.GET.get("loai", "").strip()
    chosen_state = request.GET.get("trang_thai", "").strip()
    status = 200
    error = ""
    if chosen_type and chosen_type not in dict(types):
        error, chosen_type, status = f"Không có loại quy trình «{chosen_type}».", "", 400
    if chosen_state and chosen_state not in ProcedureState.values:
        error, chosen_state, status = f"Không có trạng thái «{chosen_state}».", "", 400
    rows = selectors.procedures_listed(request.user, procedure_type=chosen_type, state=chosen_state)
    _listed(request, rows, {"type": chosen_type, "state": chosen_state})
    context = {
        "rows": list_rows(rows),
        "types": types,
        "states": ProcedureState.choices,
        "chosen_type": chosen_type,
        "chosen_state": chosen_state,
        "error": error,
    }
    return render(request, "hoso/procedure_list.html", context, status=status)


@login_required
@never_cache
def procedures_waiting(request: HttpRequest) -> HttpResponse:
    """The running procedures whose current step a duty of the user owns."""
    rows = selectors.with_people(request.user, selectors.procedures_waiting(request.user))
    _listed(request, rows, {"waiting": request.user.get_username()})
    context = {"rows": list_rows(rows)}
    return render(request, "hoso/procedure_waiting.html", context)


@login_required
@never_cache
def procedure_new(request: HttpRequest) -> HttpResponse:
    """From the list: the person's id, then the start form on their dossier."""
    personal_id = request.GET.get("so_dinh_danh", "").strip()
    if not personal_id:
        return render(request, "hoso/procedure_new.html", {})
    if not (personal_id.isdigit() and len(personal_id) == 12):
        context = {"error": "Số định danh cá nhân gồm 12 chữ số.", "personal_id": personal_id}
        return render(request, "hoso/procedure_new.html", context, status=400)
    return redirect("web:procedure_start", personal_id=personal_id)


@login_required
@never_cache
def procedure_start_page(request: HttpRequest, personal_id: str) -> HttpResponse:
    """Choose the type, give the decision's parameters, start: the procedure opens at its
    first step, whose form follows on the procedure page."""
    try:
        access = policies.dossier_access(request.user, personal_id, Purpose.PROPOSE)
    except NotFound:
        return not_found(request, what="hồ sơ")
    person = access.person
    allowed = selectors.may_start(request.user, person)
    if not allowed:
        return not_found(request, what="hồ sơ")  # no duty to start one: as for a stranger
    names = dict(selectors.type_choices())
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("loai", "").strip()
    context: dict[str, Any] = {
        "person": person,
        "types": [(c, names[c]) for c in allowed],
        "chosen": chosen,
    }
    if not chosen:
        return render(request, "hoso/procedure_start.html", context)
    if chosen not in allowed:
        context["type_error"] = f"Bạn không bắt đầu được quy trình «{chosen}» cho hồ sơ này."
        return render(request, "hoso/procedure_start.html", context, status=400)
    definition = type_def(chosen)
    context |= {"definition": definition, "type_name": names[chosen]}
    if request.method != "POST":
        context["form"] = StartForm(decision_type=definition.decision_type)
        return render(request, "hoso/procedure_start.html", context)
    form = StartForm(request.POST, decision_type=definition.decision_type)
    context["form"] = form
    if not form.is_valid():
        return render(request, "hoso/procedure_start.html", context, status=400)
    try:
        procedure = procedure_start(
            acting_user=request.user,
            procedure_type=chosen,
            personal_id=personal_id,
            params=form.params(),
        )
    except NotFound:
        return not_found(request, what="hồ sơ")
    except ValidationFailed as error:
        for problem in error.problems:
            form.add_error(None, problem.message)
        return render(request, "hoso/procedure_start.html", context, status=400)
    messages.success(
        request,
        f"Đã bắt đầu quy trình {names[chosen].lower()} số {procedure.pk}: "
        f"thực hiện bước «{definition.steps[0].name}».",
    )
    return redirect("web:procedure", pk=procedure.pk)


def _page(
    request: HttpRequest, pk: int, form: StepForm | None = None, *, status: int = 200, **extra: Any
) -> HttpResponse:
    try:
        procedure, access = selectors.procedure_open(request.user, pk)
    except NotFound:
        return not_found(request, what="quy trình")
    context = procedure_context(procedure, access.person, access.masked)
    context["history"] = history_rows(procedure, access.masked)
    context["may_download"] = access.can_see_document(selectors.DOCUMENT_SENSITIVITY)
    if procedure.decision_id:  # a transfer to another agency: its hand-over's state
        context["handover"] = handovers_by_decision([procedure.decision_id]).get(
            procedure.decision_id
        )
    if selectors.may_act(request.user, procedure):
        step = type_def(procedure.procedure_type).step(procedure.current_step)
        if form is None:
            scale = scale_of(step, procedure.params, access.person.staff_category)
            form = StepForm(initial={"revision": procedure.revision}, step=step, scale=scale)
        context["form"] = form
        context["verdict_today"] = verdict_rows(
            selectors.eligibility_today(request.user, procedure), access.masked
        )
        signed = _signed_documents(pk, form)
        context["documents"] = [
            (file_field, kept, signed.get(code))
            for code, (file_field, kept) in zip(step.documents, form.document_fields(), strict=True)
        ]
    return render(request, "hoso/procedure_detail.html", context | extra, status=status)


def _signed_documents(pk: int, form: StepForm) -> dict[str, ProcedureDocument]:
    """The documents already signed on an earlier try of this form (kept by id)."""
    ids = {}
    for code in form.step.documents:
        value = (form.data.get(f"signed_{code}") if form.is_bound else None) or ""
        if str(value).isdigit():
            ids[int(value)] = code
    return selectors.documents_signed(pk, ids)


@login_required
@never_cache
def procedure(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


def _uploads(request: HttpRequest, pk: int, form: StepForm, data: QueryDict) -> dict[str, int]:
    """Sign and store each uploaded document; an id kept from an earlier try stands for one
    already signed (the service checks it is the actor's, for this step)."""
    ids: dict[str, int] = {}
    for code in form.step.documents:
        upload = form.cleaned_data.get(f"document_{code}")
        if upload:
            document = document_attach(
                acting_user=request.user,
                procedure_id=pk,
                step_code=form.step.code,
                code=code,
                filename=upload.name,
                content=upload.chunks(),
            )
            ids[code] = document.pk
            data[f"signed_{code}"] = str(document.pk)
        elif form.cleaned_data.get(f"signed_{code}"):
            ids[code] = form.cleaned_data[f"signed_{code}"]
    return ids


@login_required
@never_cache
@require_POST
def procedure_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Act on the current step: each refusal shown with the service's own message."""
    try:
        procedure, access = selectors.procedure_open(request.user, pk)
    except NotFound:
        return not_found(request, what="quy trình")
    if procedure.state != ProcedureState.RUNNING:
        refusal = "Quy trình đã kết thúc; không thực hiện thêm bước."
        return _page(request, pk, status=409, refusal=refusal)
    step = type_def(procedure.procedure_type).step(procedure.current_step)
    scale = scale_of(step, procedure.params, access.person.staff_category)
    form = StepForm(request.POST, request.FILES, step=step, scale=scale)
    if not form.is_valid():
        return _page(request, pk, form, status=400)
    data = request.POST.copy()
    try:
        documents = _uploads(request, pk, form, data) if form.approving else {}
        step_act(
            acting_user=request.user,
            procedure_id=pk,
            step_code=step.code,
            outcome=form.cleaned_data["outcome"],
            revision=form.cleaned_data["revision"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            reason=form.cleaned_data["reason"] or "",
            data=form.step_data(documents),
        )
    except NotFound:
        return not_found(request, what="quy trình")
    except ValidationFailed as error:
        kept = StepForm(data, request.FILES, step=step, scale=scale)
        kept.is_valid()
        kept.add_problems(error)
        return _page(request, pk, kept, status=400, refusal=error.message)
    except DomainError as error:
        kept = StepForm(data, step=step, scale=scale)
        kept.is_valid()
        # A refused upload (`documents.intake`) is bad input like the rest: 400.
        status = error.status if error.status in (403, 409) else 400
        return _page(request, pk, kept, status=status, refusal=error.message)
    outcome = "từ chối" if form.cleaned_data["outcome"] == "reject" else "đồng ý"
    messages.success(request, f"Đã ký số và ghi bước «{step.name}»: {outcome}.")
    return redirect(reverse("web:procedure", kwargs={"pk": pk}))


@login_required
@never_cache
def planning_page(request: HttpRequest) -> HttpResponse:
    """The planning list of a term for one of the user's units: each person's places, those
    ended with the date and the reason (the gate cuts each person; the listing is audited)."""
    units = planning.planning_units(request.user)
    terms = planning.terms()
    unit = request.GET.get("don_vi", "").strip() or (units[0][0] if units else "")
    term = request.GET.get("nhiem_ky", "").strip() or (terms[0][0] if terms else "")
    context: dict[str, Any] = {"units": units, "terms": terms, "unit": unit, "term": term}
    if not units:  # like every list outside one's duties: empty, not an error
        context["no_units"] = True
        return render(request, "hoso/procedure_planning.html", context)
    if unit not in dict(units):
        context["error"] = f"Bạn không được giao nhiệm vụ đối với đơn vị «{unit}»."
        return render(request, "hoso/procedure_planning.html", context, status=400)
    try:
        found = planning.planning_list(request.user, unit, term)
    except ValidationFailed as error:
        context["error"] = "; ".join(p.message for p in error.problems)
        return render(request, "hoso/procedure_planning.html", context, status=400)
    context["rows"] = planning_rows(found)
    context["unit_name"] = dict(units)[unit]
    context["term_name"] = dict(terms).get(term, term)
    return render(request, "hoso/procedure_planning.html", context)


@login_required
@never_cache
def procedure_document(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    """A step's document as signed (PAdES valid, the SHA-256 the step's record signs),
    through the gate and audited; missing and forbidden are the same 404."""
    try:
        signed = selectors.document_open(request.user, pk, document_id)
    except NotFound:
        return not_found(request, what="tài liệu")
    except DomainError as error:
        return _page(request, pk, status=error.status, refusal=error.message)
    response = HttpResponse(signed.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{signed.filename}"'
    response["X-Hoso-Sha256"] = signed.sha256
    response["Cache-Control"] = "no-store"
    return response
