"""Self-service (R-CLEAN): the employee proposes a correction to their own dossier — one field
of the general information, or a training course to add. It is a change set of source "self",
approved like any other by a records manager."""

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
from hoso.changes.services import changesets
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.web.forms.work import SelfFieldForm, SelfTrainingForm
from hoso.web.presenters import catalogs
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
    }
    return render(request, "hoso/work/self_correction.html", context, status=400 if posted else 200)
