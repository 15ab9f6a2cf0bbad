"""Dossier entry (R-10D-CREATE, R-EQUIV, R-CLEAN): a clerk or records manager creates a
dossier from the personal id, or corrects and completes any section of one, section by
section in the order of Mẫu 2C, as a draft only they see; submitted, the draft is one change
set that another records manager approves with a signature (`web:changeset`).

Views stay thin: the gate (`access.policies`) says what the writer may see and write, the
forms (`forms.entry`) parse, `changes.operations.section_edited` turns a saved form into the
draft's operations, and the services (`changes.services.changesets`) decide — a dossier that
exists, a stale form, a bad date or overlapping periods are refused there and said next to
the field, the form keeping what was typed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from hoso import identity
from hoso.access import policies
from hoso.access.models import Role
from hoso.audit.purposes import Purpose
from hoso.changes.models import ChangeSet, SourceKind
from hoso.changes.operations import apply_operations, rows_kept, section_edited
from hoso.changes.selectors import changesets as changeset_selectors
from hoso.changes.selectors.versions import current_version_number, versions_compare
from hoso.changes.services import changesets as changeset_services
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.sections import BY_KEY, Section
from hoso.population import services as population
from hoso.population.records import Found, Outcome
from hoso.web.forms.entry import SectionForm, SourceForm, StartForm, initial_of
from hoso.web.presenters import entry as presenters
from hoso.web.presenters import work as work_presenters
from hoso.web.views.common import not_found, write_refused

WRITERS = {Role.CLERK, Role.RECORDS_MANAGER}


def _writer(request: HttpRequest) -> bool:
    return bool(policies.roles_of(request.user) & WRITERS)


@dataclass
class Workspace:
    """What an entry page works on: a draft (or none yet) of a new or an existing dossier,
    the dossier as the writer may see it, and the dossier after the draft."""

    personal_id: str
    draft: ChangeSet | None
    access: Any  # DossierAccess of an existing dossier; None when creating
    base: dict[str, Any] | None  # the dossier as the writer sees it; None when creating
    operations: list[dict[str, Any]]
    working: dict[str, Any]
    base_version: int
    problem: str = ""

    @property
    def creating(self) -> bool:
        return self.base is None

    def can_see(self, field_id: str) -> bool:
        return self.access is None or self.access.can_see(field_id)

    def corrected(self, section: str) -> set[int]:
        return {
            int(o["index"])
            for o in self.operations
            if o.get("op") == "correct" and o.get("section") == section
        }


def _existing(request: HttpRequest, personal_id: str, draft: ChangeSet | None) -> Workspace:
    """An existing dossier: opened by the gate (audited), written only with the duty over it."""
    # Who may not write it gets the audited 404 of a missing dossier; the read is audited.
    policies.dossier_write(request.user, personal_id, Purpose.PROPOSE, WRITERS)
    access = policies.dossier_access(request.user, personal_id, purpose=Purpose.PROPOSE)
    base = access.content()
    operations = json.loads(draft.operations) if draft else []
    working, problem = base, ""
    if operations:
        try:
            working = apply_operations(base, operations)
        except ValidationFailed as error:
            problem = "; ".join(p.message for p in error.problems)
    version = draft.base_version if draft else current_version_number(personal_id)
    return Workspace(personal_id, draft, access, base, operations, working, version, problem)


def _of_draft(request: HttpRequest, pk: int) -> Workspace:
    draft = changeset_selectors.draft_get(request.user, pk)
    if draft is None:
        raise NotFound()
    if not draft.creates_dossier:
        return _existing(request, draft.personal_id, draft)
    operations = json.loads(draft.operations)
    working = apply_operations(None, operations)
    return Workspace(draft.personal_id, draft, None, None, operations, working, 0)


def _identity_facts(personal_id: str) -> list[str]:
    """What the personal id itself says (province of birth registration, century and sex,
    birth year)."""
    info = identity.decode(personal_id)
    facts = []
    if info.province_name:
        facts.append(f"Nơi đăng ký khai sinh: {info.province_name} (mã {info.province_code})")
    if info.sex:
        facts.append(f"Giới tính: {'Nam' if info.sex == 'M' else 'Nữ'}")
    if info.birth_year:
        facts.append(f"Năm sinh: {info.birth_year}")
    return facts


# --- Start: from the personal id ----------------------------------------------------------------


@login_required
@never_cache
def entry_start(request: HttpRequest) -> HttpResponse:
    if not _writer(request):
        return not_found(request)
    form = StartForm(request.POST or None)
    facts: list[str] = []
    ready = False
    status = 200
    found: Outcome | None = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            pid = form.cleaned_data["personal_id"]
            facts = _identity_facts(pid)
            refusal = changeset_services.creation_refusal(pid)
            if refusal is not None:
                form.add_problems(refusal)
            else:
                # R-POPULATION: the identity comes from the population database when it
                # answers well; slow, down, unknown or contradicting, the clerk types it.
                outcome, lookup = population.lookup(acting_user=request.user, personal_id=pid)
                if request.POST.get("action") == "start":
                    return _start_draft(request, form, pid, facts, outcome, lookup)
                ready, status, found = True, 200, outcome
    context = {
        "form": form,
        "facts": facts,
        "ready": ready,
        "population": _population_notice(found),
        "drafts": _draft_rows(request),
    }
    return render(request, "hoso/entry/start.html", context, status=status)


def _population_notice(outcome: Outcome | None) -> dict[str, Any] | None:
    """What the start page says of the population database's answer."""
    if outcome is None:
        return None
    if isinstance(outcome, Found):
        r = outcome.record
        return {
            "verified": True,
            "code": outcome.code,
            "message": "Cơ sở dữ liệu quốc gia về dân cư xác nhận: "
            f"{r.full_name}, sinh ngày {r.birth_date:%d/%m/%Y}, "
            f"giới tính {'nam' if r.sex == 'M' else 'nữ'}. Các trường nhân thân sẽ được điền "
            "sẵn và không sửa được trong biểu mẫu.",
        }
    return {"verified": False, "code": outcome.code, "message": outcome.message}


def _start_draft(
    request: HttpRequest,
    form: StartForm,
    pid: str,
    facts: list[str],
    outcome: Outcome,
    lookup: Any,
):
    info = identity.decode(pid)
    data: dict[str, Any] = {"identity": {"personal_id": pid, "nationality": "VN"}}
    if info.sex:
        data["identity"]["sex"] = info.sex
    if isinstance(outcome, Found):
        data["identity"].update(population.identity_values(outcome.record))
    try:
        draft = changeset_services.changeset_draft_save(
            acting_user=request.user,
            personal_id=pid,
            operations=[{"op": "create", "data": data}],
            source_kind=SourceKind.PAPER,
        )
    except ValidationFailed as error:
        form.add_problems(error)
        context = {"form": form, "facts": facts, "ready": False, "drafts": _draft_rows(request)}
        return render(request, "hoso/entry/start.html", context, status=400)
    population.lookup_attach(lookup, draft)
    notice = _population_notice(outcome)
    (messages.success if isinstance(outcome, Found) else messages.warning)(
        request, notice["message"] if notice else ""
    )
    first = presenters.sections_in_form_order()[0]
    return redirect("web:entry_section", pk=draft.pk, section=first.key)


def _draft_rows(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "c": d,
            "sections": work_presenters.section_titles(list(d.sections)),
            "url": reverse("web:entry_draft", args=[d.pk]),
        }
        for d in changeset_selectors.drafts_of(request.user)[:50]
    ]


@login_required
def entry_units(request: HttpRequest) -> JsonResponse:
    """The units whose code or name matches `q`, for the unit pickers (reference data)."""
    q = request.GET.get("q", "")[:100]
    return JsonResponse({"results": presenters.units_found(q, today())})


# --- The draft: sections, source, submission ---------------------------------------------------


def _stale_rows(ws: Workspace) -> list[Any]:
    """What was approved since the draft's version, as the writer may see it."""
    if ws.access is None:
        return []
    current = current_version_number(ws.personal_id)
    changes = versions_compare(ws.personal_id, ws.base_version or 1, current)
    return work_presenters.diff_rows(changes, ws.access)


def _overview(
    request: HttpRequest,
    ws: Workspace,
    *,
    source_form: SourceForm,
    problems: list[Any] | None = None,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    changed = {str(o.get("section")) for o in ws.operations if o.get("op") != "create"}
    if ws.creating:
        changed = {k for k, v in ws.working.items() if v}
    context = {
        "ws": ws,
        "person": ws.access.person if ws.access else None,
        "facts": _identity_facts(ws.personal_id),
        "cards": presenters.section_cards(
            ws.working,
            can_see=ws.can_see,
            changed=changed,
            problems=presenters.problems_by_section(problems or []),
        ),
        "source_form": source_form,
        "stale": stale or (ws.draft is not None and ws.access is not None and _is_stale(ws)),
        "stale_rows": _stale_rows(ws) if ws.access is not None else [],
        "changes": _draft_diff(ws),
        "section_url": _section_url_name(ws),
    }
    return render(request, "hoso/entry/draft.html", context, status=status)


def _is_stale(ws: Workspace) -> bool:
    return ws.base_version != current_version_number(ws.personal_id)


def _draft_diff(ws: Workspace) -> list[Any]:
    """The draft's changes field by field, as the approver will see them."""
    from hoso.changes.operations import diff

    if not ws.operations:
        return []
    if ws.access is None:
        return []  # a new dossier: the sections themselves show it
    return work_presenters.diff_rows(diff(ws.base, ws.working), ws.access)


def _section_url_name(ws: Workspace) -> str:
    return "web:entry_section" if ws.draft else "web:dossier_edit_section"


def _source_initial(draft: ChangeSet | None) -> dict[str, Any]:
    if draft is None:
        return {"source_kind": SourceKind.PAPER}
    return {
        "source_kind": draft.source_kind,
        "paper_confirmed_on": draft.paper_confirmed_on,
        "source_note": draft.source_note,
    }


@login_required
@never_cache
def entry_draft(request: HttpRequest, pk: int) -> HttpResponse:
    if not _writer(request):
        return not_found(request)
    try:
        ws = _of_draft(request, pk)
    except NotFound:
        return not_found(request, what="bản nháp")
    except ValidationFailed as error:
        return write_refused(request, error, "")
    if request.method != "POST":
        return _overview(request, ws, source_form=SourceForm(initial=_source_initial(ws.draft)))
    action = request.POST.get("action", "save")
    assert ws.draft is not None
    if action == "discard":
        changeset_services.changeset_draft_discard(acting_user=request.user, draft_id=pk)
        messages.success(request, f"Đã hủy bản nháp số {pk}.")
        return redirect("web:entry_start")
    if action == "rebase":
        try:
            changeset_services.changeset_draft_rebase(acting_user=request.user, draft_id=pk)
        except ValidationFailed as error:
            for p in error.problems:
                messages.error(request, p.message)
        else:
            messages.success(request, "Bản nháp đã được chuyển lên phiên bản mới của hồ sơ.")
        return redirect("web:entry_draft", pk=pk)
    form = SourceForm(request.POST)
    if not form.is_valid():
        return _overview(request, ws, source_form=form, status=400)
    try:
        changeset_services.changeset_draft_save(
            acting_user=request.user,
            personal_id=ws.personal_id,
            operations=ws.operations,
            source_kind=form.cleaned_data["source_kind"],
            paper_confirmed_on=form.cleaned_data["paper_confirmed_on"],
            source_note=form.cleaned_data["source_note"],
            draft_id=pk,
        )
        if action == "submit":
            proposal = changeset_services.changeset_draft_submit(
                acting_user=request.user, draft_id=pk
            )
    except ValidationFailed as error:
        source_problems = [p for p in error.problems if p.field in form.fields]
        form.add_problems(ValidationFailed(source_problems))
        others = [p for p in error.problems if p.field not in form.fields]
        if error.message and error.message != "Dữ liệu không hợp lệ.":
            form.add_error(None, error.message)
        ws = _of_draft(request, pk)
        stale = any(p.code == "stale_form" for p in error.problems)
        return _overview(request, ws, source_form=form, problems=others, stale=stale, status=400)
    if action == "submit":
        messages.success(
            request,
            f"Đã gửi đề xuất số {proposal.pk} để phê duyệt. Một cán bộ quản lý hồ sơ khác sẽ "
            "xem từng thay đổi, phê duyệt và ký số.",
        )
        if proposal.creates_dossier:
            return redirect("web:entry_start")
        return redirect("web:dossier_edit", personal_id=proposal.personal_id)
    messages.success(request, "Đã lưu căn cứ của bản nháp.")
    return redirect("web:entry_draft", pk=pk)


# --- Correcting an existing dossier ------------------------------------------------------------


@login_required
@never_cache
def dossier_edit(request: HttpRequest, personal_id: str) -> HttpResponse:
    """The sections of an existing dossier to correct or complete (the writer's draft on it,
    if any, takes over)."""
    try:
        ws = _existing(request, personal_id, None)
    except NotFound:
        return not_found(request, what="hồ sơ")
    except ValidationFailed as error:
        return write_refused(request, error, personal_id)
    draft = changeset_selectors.drafts_of(request.user, personal_id).first()
    if draft is not None:
        return redirect("web:entry_draft", pk=draft.pk)
    return _overview(request, ws, source_form=SourceForm(initial=_source_initial(None)))


@login_required
@never_cache
def dossier_edit_section(request: HttpRequest, personal_id: str, section: str) -> HttpResponse:
    try:
        ws = _existing(request, personal_id, None)
    except NotFound:
        return not_found(request, what="hồ sơ")
    except ValidationFailed as error:
        return write_refused(request, error, personal_id)
    draft = changeset_selectors.drafts_of(request.user, personal_id).first()
    if draft is not None:
        url = reverse("web:entry_section", args=[draft.pk, section])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return _section_page(request, ws, section)


@login_required
@never_cache
def entry_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if not _writer(request):
        return not_found(request)
    try:
        ws = _of_draft(request, pk)
    except NotFound:
        return not_found(request, what="bản nháp")
    except ValidationFailed as error:
        return write_refused(request, error, "")
    return _section_page(request, ws, section)


def _row_param(request: HttpRequest, spec: Section, working: dict[str, Any]) -> int | None:
    raw = request.POST.get("dong") if request.method == "POST" else request.GET.get("dong")
    if not spec.many or raw in (None, ""):
        return None
    try:
        row = int(raw)
    except ValueError:
        raise Http404 from None
    if not 0 <= row < len(working.get(spec.key) or []):
        raise Http404
    return row


def _next_section(spec: Section, ws: Workspace) -> Section | None:
    order = [s for s in presenters.sections_in_form_order() if _names(s, ws)]
    at = order.index(spec)
    return order[at + 1] if at + 1 < len(order) else None


def _names(spec: Section, ws: Workspace) -> list[str]:
    return presenters.visible_names(spec, ws.can_see)


def _section_page(request: HttpRequest, ws: Workspace, key: str) -> HttpResponse:
    spec = BY_KEY.get(key)
    if spec is None or not _names(spec, ws):
        return not_found(request, what="mục hồ sơ")
    try:
        row = _row_param(request, spec, ws.working)
    except Http404:
        return not_found(request, what="dòng")
    kwargs = presenters.form_kwargs(today())
    names = _names(spec, ws)
    current = ws.working.get(spec.key)
    values = (
        (current or [])[row] if spec.many and row is not None else (None if spec.many else current)
    )
    initial = {**initial_of(spec, values), "base_version": ws.base_version}
    posted = request.method == "POST"
    # Identity fields filled from the population database are read-only (R-POPULATION).
    sourced = population.sourced_fields(ws.personal_id) if spec.key == "identity" else frozenset()
    form = SectionForm(
        request.POST if posted else None,
        initial=initial,
        section=spec,
        names=names,
        sourced=sourced,
        **kwargs,
    )
    stale_rows: list[Any] = []
    if posted:
        action = request.POST.get("action", "save")
        remove = action == "remove"
        if remove or form.is_valid():
            saved = _save_section(request, ws, spec, form, row=row, remove=remove)
            if isinstance(saved, ChangeSet):
                return _after_save(request, saved, spec, ws, action)
            if saved == "stale":
                posted_version = form.cleaned_data.get("base_version")
                if posted_version is not None:
                    ws.base_version = posted_version  # what changed since the form was built
                stale_rows = _stale_rows(ws)
    context = {
        "ws": ws,
        "spec": spec,
        "form": form,
        "row": row,
        "items": presenters.form_item_titles(spec),
        "headers": presenters.headers(spec, names),
        "rows": presenters.row_views(
            spec,
            current or [],
            names,
            kept=rows_kept(ws.base, spec.key),
            corrected=ws.corrected(spec.key),
            units=kwargs["units"],
            creating=ws.creating,
        )
        if spec.many
        else [],
        "stale_rows": stale_rows,
        "endable": presenters.endable(spec),
        "next": _next_section(spec, ws),
        "sections": [s for s in presenters.sections_in_form_order() if _names(s, ws)],
        "section_url": _section_url_name(ws),
        "target": ws.draft.pk if ws.draft else ws.personal_id,
        "facts": _identity_facts(ws.personal_id) if ws.creating else [],
    }
    return render(request, "hoso/entry/section.html", context, status=400 if posted else 200)


def _save_section(
    request: HttpRequest,
    ws: Workspace,
    spec: Section,
    form: SectionForm,
    *,
    row: int | None,
    remove: bool,
) -> ChangeSet | str | None:
    """Save the form into the writer's draft (begun now if there is none): the draft, or
    what went wrong, put on the form."""
    values = {} if remove else form.row()
    if ws.creating and spec.key == "identity":
        values["personal_id"] = ws.personal_id
    try:
        operations = section_edited(
            ws.operations, base=ws.base, section=spec.key, values=values, row=row, remove=remove
        )
    except ValidationFailed as error:
        form.add_problems(error, row=row)
        return None
    if not operations:
        if ws.draft is not None:
            changeset_services.changeset_draft_discard(
                acting_user=request.user, draft_id=ws.draft.pk
            )
        form.add_error(None, "Không có gì khác với hồ sơ hiện tại; chưa lưu gì.")
        return None
    posted_version = form.cleaned_data.get("base_version") if form.is_bound and not remove else None
    draft = ws.draft
    try:
        return changeset_services.changeset_draft_save(
            acting_user=request.user,
            personal_id=ws.personal_id,
            operations=operations,
            source_kind=draft.source_kind if draft else SourceKind.PAPER,
            paper_confirmed_on=draft.paper_confirmed_on if draft else None,
            source_note=draft.source_note if draft else "",
            base_version=None
            if ws.creating
            else (posted_version if posted_version is not None else ws.base_version),
            draft_id=draft.pk if draft else None,
            check_section=spec.key,
        )
    except ValidationFailed as error:
        form.add_problems(error, row=row)
        if error.message and error.message != "Dữ liệu không hợp lệ.":
            form.add_error(None, error.message)
        if any(p.code == "stale_form" for p in error.problems):
            return "stale"
        return None


def _after_save(
    request: HttpRequest, draft: ChangeSet, spec: Section, ws: Workspace, action: str
) -> HttpResponse:
    messages.success(request, f"Đã lưu nháp mục «{spec.title}».")
    if action == "next":
        following = _next_section(spec, ws)
        if following is not None:
            return redirect("web:entry_section", pk=draft.pk, section=following.key)
        return redirect("web:entry_draft", pk=draft.pk)
    if action == "overview":
        return redirect("web:entry_draft", pk=draft.pk)
    return redirect("web:entry_section", pk=draft.pk, section=spec.key)
