"""Dossier components (scans) and the résumé on the web (R-DIGITIZE, R-PROHIBITED, R-CORRECT).

The list of a dossier's documents with the upload form and the processing progress; stamped
copies of a document and of the signed résumé; the records manager's "sign the résumé"; the
search in OCR text; findings of the OCR consistency check. Each view parses, calls one service
or selector, renders; missing and forbidden are the same 404.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import name_of
from hoso.core.errors import DomainError, NotFound, ValidationFailed
from hoso.documents import resume_pdf
from hoso.documents.models import ComponentStatus
from hoso.documents.selectors import components as component_selectors
from hoso.documents.selectors import consistency as finding_selectors
from hoso.documents.selectors import resume as resume_selectors
from hoso.documents.services import components as component_services
from hoso.documents.services import consistency as finding_services
from hoso.documents.services import resume as resume_services
from hoso.documents.services import serving
from hoso.people.sections import BY_KEY
from hoso.web.forms.documents import DismissForm, MoveForm, UploadForm
from hoso.web.presenters import dossier, work
from hoso.web.views.common import not_found

IN_PROGRESS = {ComponentStatus.RECEIVED, ComponentStatus.PROCESSING}
PERSONAL_ID = re.compile(r"\d{12}")


def _back(personal_id: str) -> HttpResponse:
    """Back to the documents page a form was posted from (the id comes from the form, so only
    a well-formed one is used), else to search."""
    if PERSONAL_ID.fullmatch(personal_id or ""):
        return redirect("web:components", personal_id=personal_id)
    return redirect("web:search")


def _rows(components: list) -> list[dict]:
    return [
        {
            "c": c,
            "kind": name_of("component_kind", c.kind) or c.kind,
            "section": BY_KEY[c.section].title if c.section in BY_KEY else "Toàn bộ hồ sơ",
            "working": c.status in IN_PROGRESS,
        }
        for c in components
    ]


def _served(copy: serving.ServedFile) -> HttpResponse:
    response = HttpResponse(copy.content, content_type=copy.media_type)
    response["Content-Disposition"] = f'inline; filename="{copy.filename}"'
    response["X-Hoso-Export-Id"] = copy.export_id
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def components(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        access = policies.dossier_access(request.user, personal_id, purpose=Purpose.DOCUMENTS)
    except NotFound:
        return not_found(request, what="hồ sơ")
    person = access.person
    may_add = component_services.may_add(request.user, person)
    form = UploadForm(request.POST or None, request.FILES or None) if may_add else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                added = component_services.component_add(
                    acting_user=request.user,
                    personal_id=personal_id,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    filename=upload.name,
                    content=upload.chunks(),
                    section=form.cleaned_data["section"],
                )
            except NotFound:
                return not_found(request, what="hồ sơ")
            except ValidationFailed as error:
                form.add_problems(error)
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    f"Đã nhận tài liệu «{added.title}» (SHA-256 {added.original_sha256[:12]}…). "
                    "Bản PDF/A có lớp chữ đang được tạo; tiến độ hiện dưới đây.",
                )
                return redirect("web:components", personal_id=personal_id)
        status = 400
    visible = component_selectors.components_visible(access)
    context = {
        "person": person,
        "rows": _rows(visible),
        "withheld": dossier.documents_withheld(access),
        "resume_refusal": dossier.document_refusal(access, resume_pdf.RESUME_SENSITIVITY),
        "form": form,
        "kind_sections": UploadForm.kind_sections() if form else {},
        "findings": finding_selectors.findings_visible(access),
        "resumes": resume_selectors.resumes_of(personal_id),
        "may_sign": resume_selectors.may_issue(request.user, person),
    }
    return render(request, "hoso/documents/components.html", context, status=status)


@login_required
@never_cache
def component_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The processing progress of one document (polled by htmx while it works)."""
    try:
        component = component_selectors.component_for(
            request.user, pk, purpose=Purpose.DOCUMENTS_STATUS
        )
    except NotFound:
        return not_found(request, what="tài liệu")
    row = _rows([component])[0]
    return render(request, "hoso/documents/_status.html", {"row": row})


@login_required
@require_POST
def component_move(request: HttpRequest, pk: int) -> HttpResponse:
    form = MoveForm(request.POST)
    personal_id = request.POST.get("personal_id", "")
    if not form.is_valid():
        messages.error(request, "Thứ tự phải là một số từ 1 trở lên.")
    else:
        try:
            moved = component_services.component_move(
                acting_user=request.user, component_id=pk, position=form.cleaned_data["position"]
            )
        except NotFound:
            return not_found(request, what="tài liệu")
        except ValidationFailed as error:
            messages.error(request, " ".join(p.message for p in error.problems))
        else:
            messages.success(request, f"Đã chuyển «{moved.title}» đến vị trí {moved.position}.")
            personal_id = moved.personal_id
    return _back(personal_id)


@login_required
@never_cache
def component_copy(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        component = component_selectors.component_for(
            request.user, pk, purpose=Purpose.DOCUMENTS_COPY
        )
        copy = serving.copy_serve(
            user=request.user, personal_id=component.personal_id, component_id=pk
        )
    except NotFound:
        return not_found(request, what="tài liệu")
    return _served(copy)


@login_required
@never_cache
def resume_copy(request: HttpRequest, personal_id: str) -> HttpResponse:
    day_text = request.GET.get("ngay", "").strip()
    as_of = work.parse_vn_date(day_text) if day_text else None
    if day_text and as_of is None:
        messages.error(request, f"Ngày «{day_text}» không đúng dạng dd/mm/yyyy.")
        return redirect("web:components", personal_id=personal_id)
    try:
        copy = serving.copy_serve(
            user=request.user, personal_id=personal_id, resume_as_of=as_of, purpose=Purpose.RESUME
        )
    except NotFound:
        return not_found(request, what="hồ sơ")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:components", personal_id=personal_id)
    return _served(copy)


@login_required
@require_POST
def resume_sign(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        signed = resume_services.resume_issue(acting_user=request.user, personal_id=personal_id)
    except NotFound:
        return not_found(request, what="hồ sơ")
    except DomainError as error:
        messages.error(request, f"{error.message} {' '.join(p.message for p in error.problems)}")
    else:
        if signed.reused:
            at = timezone.localtime(signed.signed_at).strftime("%d/%m/%Y %H:%M")
            messages.success(
                request,
                f"Sơ yếu lý lịch theo phiên bản {signed.version_number} của hồ sơ đã được "
                f"{signed.signer_username} ký số lúc {at} và chữ ký vẫn hợp lệ: dùng bản đã ký, "
                "không ký lại.",
            )
        else:
            messages.success(
                request,
                f"Đã ký số sơ yếu lý lịch theo phiên bản {signed.version_number} của hồ sơ.",
            )
    return redirect("web:components", personal_id=personal_id)


@login_required
@never_cache
def document_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict = {"q": query, "results": None, "errors": []}
    if query:
        try:
            found = component_selectors.component_search(request.user, query)
        except ValidationFailed as error:
            context["errors"] = [p.message for p in error.problems]
        else:
            context["results"] = [
                {"c": c, "person": p, "kind": name_of("component_kind", c.kind) or c.kind}
                for c, p in found
            ]
    return render(request, "hoso/documents/search.html", context)


@login_required
@require_POST
def finding_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    personal_id = request.POST.get("personal_id", "")
    try:
        found = finding_services.finding_confirm(acting_user=request.user, finding_id=pk)
    except NotFound:
        return not_found(request, what="đề xuất")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã gửi cảnh báo sai lệch số {found.pk} từ bản quét.")
        personal_id = found.personal_id
    return _back(personal_id)


@login_required
@require_POST
def finding_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    form = DismissForm(request.POST)
    personal_id = request.POST.get("personal_id", "")
    if not form.is_valid():
        messages.error(request, "Cần ghi lý do bác bỏ đề xuất.")
    else:
        try:
            finding = finding_services.finding_dismiss(
                acting_user=request.user, finding_id=pk, reason=form.cleaned_data["reason"]
            )
        except NotFound:
            return not_found(request, what="đề xuất")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã bác bỏ đề xuất (do nhận dạng chữ sai).")
            personal_id = finding.personal_id
    return _back(personal_id)
