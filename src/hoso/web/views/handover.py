"""The receiving node's hand-over page (R-NO-SILO; issue 14 item 3): a records manager sees
the packages carried into the inbox (`<data dir>/handover-inbox/`) and accepts one into a
unit of this node chosen from the tree; the dossier is then proposed in that unit and a
different records manager approves it in "Đề xuất chờ duyệt".

Thin: `exchange.services.handover` verifies, imports and audits; a refusal shows its
Vietnamese message and code, and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from hoso.core.dates import today
from hoso.core.errors import DomainError
from hoso.exchange.services.handover import (
    handover_accept_waiting,
    inbox_dir,
    inbox_waiting,
    may_accept,
)
from hoso.orgs.selectors import org_list, unit_labels
from hoso.web.views.common import not_found


@login_required
@never_cache
def handover_inbox(request: HttpRequest) -> HttpResponse:
    if not may_accept(request.user):  # records managers only, as the other intake pages
        return not_found(request)
    status = 200
    chosen = {"goi": "", "don_vi": ""}
    if request.method == "POST":
        chosen = {k: str(request.POST.get(k, "")).strip() for k in chosen}
        try:
            row = handover_accept_waiting(
                acting_user=request.user, handover_id=chosen["goi"], unit=chosen["don_vi"]
            )
        except DomainError as error:
            code = error.problems[0].code if error.problems else error.code
            messages.error(request, f"{error.message} (mã lỗi: {code})")
            status = 400
        else:
            messages.success(
                request,
                f"Đã tiếp nhận hồ sơ {row.personal_id}; đề xuất số {row.changeset_id} chờ một "
                "cán bộ quản lý hồ sơ khác phê duyệt.",
            )
            return redirect("web:handover_inbox")
    labels = unit_labels()
    units = [(u.code, labels.get(u.code, u.name)) for u in org_list(on=today())]
    context = {
        "waiting": inbox_waiting(),
        "units": units,
        "chosen": chosen,
        "inbox": inbox_dir(),
    }
    return render(request, "hoso/handover/inbox.html", context, status=status)
