"""Self-service (R-CLEAN): the employee proposes a correction to their own dossier — one field
of the general information, a training course to add, or any section they may read, with the
same section forms as the records office (`forms.entry.SectionForm`): a row added, corrected
or ended. It is a change set of source "self", approved like any other by a records manager;
the form carries the version it was built on, so a change approved meanwhile is not
overwritten (the stale form)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from hoso.access import policies
from hoso.access.models import Role
from hoso.audit.purposes import Purpose
from hoso.changes.models import SourceKind
from hoso.changes.operations import rows_kept, section_edited
from hoso.changes.selectors.versions import current_version_number
from hoso.changes.services import changesets
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.sections import BY_KEY
from hoso.web.forms.entry import SectionForm, initial_of
from hoso.web.forms.work import SelfFieldForm, SelfTrainingForm
from hoso.web.presenters import catalogs
from hoso.web.presenters import entry as entry_presenters
from hoso.web.presenters.self_home import own_proposals
from hoso.web.views.common import not_found


def _training_row(data: dict) -> dict:
    row = {
        "kind": data["kind"],
        "institution": data["institution"],
        "field_of_study": data["field_of_study"],
        "from_date": data["from_date"].isoformat(),
    }
    if data.get("to_date"):
        row["to_date"] = data["to_date"].isoformat()
    if data.get("diploma"):
        row["diploma"] = data["diploma"]
    return row


@login_required
@never_cache
def self_correction(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.personal_id or Role.EMPLOYEE not in policies.roles_of(user):
        return not_found(request)
    try:
        access = policies.dossier_access(user, user.personal_id, purpose=Purpose.SELF_CORRECTION)
    except NotFound:
        return not_found(request, what="hồ sơ")
    kind = request.POST.get("loai", "")
    posted = request.method == "POST"
    field_form = SelfFieldForm(
        request.POST if posted and kind == "truong" else None, access=access, prefix="f"
    )
    training_form = SelfTrainingForm(
        request.POST if posted and kind == "dao-tao" else None,
        kinds=catalogs.catalog_choices("training_kind", today()),
        prefix="t",
    )
    form = field_form if kind == "truong" else training_form if kind == "dao-tao" else None
    if posted and form is not None and form.is_valid():
        data = form.cleaned_data
        if form is field_form:
            operations = [
                {"op": "set", "section": "identity", "values": {data["field"]: data["value"]}}
            ]
        else:
            operations = [{"op": "add", "section": "training", "row": _training_row(data)}]
        try:
            proposal = changesets.changeset_propose(
                acting_user=user,
                personal_id=user.personal_id,
                operations=operations,
                source_kind=SourceKind.SELF,
                source_note=data.get("note", ""),
            )
        except ValidationFailed as error:
            form.add_problems(error)
            if error.message and error.message != "Dữ liệu không hợp lệ.":
                form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Đã gửi đề nghị số {proposal.pk}. Cán bộ quản lý hồ sơ sẽ xem xét và phê duyệt "
                "hoặc từ chối.",
            )
            return redirect("web:self_correction")
    mine = own_proposals(user, limit=20)
    context = {
        "person": access.person,
        "field_form": field_form,
        "training_form": training_form,
        "mine": mine,
        "sections": [
            s
            for s in entry_presenters.sections_in_form_order()
            if entry_presenters.visible_names(s, access.can_see) and s.key not in {"protection"}
        ],
    }
    return render(request, "hoso/work/self_correction.html", context, status=400 if posted else 200)


# Sections the employee does not ask to change: who may see their dossier is the office's.
NOT_SELF = {"protection"}


@login_required
@never_cache
def self_correction_section(request: HttpRequest, section: str) -> HttpResponse:
    """One section of the employee's own dossier, as they may read it: a request to correct
    it, or to add, correct or end one of its rows."""
    user = request.user
    if not user.personal_id or Role.EMPLOYEE not in policies.roles_of(user):
        return not_found(request)
    spec = BY_KEY.get(section)
    try:
        access = policies.dossier_access(user, user.personal_id, purpose=Purpose.SELF_CORRECTION)
    except NotFound:
        return not_found(request, what="hồ sơ")
    names = entry_presenters.visible_names(spec, access.can_see) if spec else []
    if spec is None or not names or spec.key in NOT_SELF:
        return not_found(request, what="mục hồ sơ")
    base = access.content()
    rows = base.get(spec.key) or [] if spec.many else []
    raw = request.POST.get("dong") if request.method == "POST" else request.GET.get("dong")
    row = None
    if spec.many and raw not in (None, ""):
        if not str(raw).isdigit() or not 0 <= int(raw) < len(rows):
            return not_found(request, what="dòng")
        row = int(raw)
    values = rows[row] if row is not None else (None if spec.many else base.get(spec.key))
    kwargs = entry_presenters.form_kwargs(today())
    posted = request.method == "POST"
    form = SectionForm(
        request.POST if posted else None,
        initial={
            **initial_of(spec, values),
            "base_version": current_version_number(user.personal_id),
        },
        section=spec,
        names=names,
        **kwargs,
    )
    note = request.POST.get("note", "")[:300] if posted else ""
    if posted and form.is_valid():
        try:
            operations = section_edited([], base=base, section=spec.key, values=form.row(), row=row)
            if not operations:
                form.add_error(None, "Không có gì khác với hồ sơ hiện tại; chưa gửi gì.")
            else:
                version = form.cleaned_data.get("base_version")
                proposal = changesets.changeset_propose(
                    acting_user=user,
                    personal_id=user.personal_id,
                    operations=operations,
                    source_kind=SourceKind.SELF,
                    source_note=note,
                    base_version=version if version is not None else None,
                )
        except ValidationFailed as error:
            form.add_problems(error, row=row)
            if error.message and error.message != "Dữ liệu không hợp lệ.":
                form.add_error(None, error.message)
        else:
            if operations:
                messages.success(
                    request,
                    f"Đã gửi đề nghị số {proposal.pk} về mục «{spec.title}». Cán bộ quản lý hồ sơ "
                    "sẽ xem xét và phê duyệt hoặc từ chối.",
                )
                return redirect("web:self_correction")
    context = {
        "spec": spec,
        "form": form,
        "row": row,
        "note": note,
        "headers": entry_presenters.headers(spec, names),
        "rows": entry_presenters.row_views(
            spec,
            rows,
            names,
            kept=rows_kept(base, spec.key),
            corrected=set(),
            units=kwargs["units"],
            creating=False,
        )
        if spec.many
        else [],
        "items": entry_presenters.form_item_titles(spec),
    }
    return render(
        request, "hoso/work/self_correction_section.html", context, status=400 if posted else 200
    )
