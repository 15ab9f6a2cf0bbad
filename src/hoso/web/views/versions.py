"""A dossier's versions (R-EQUIV, R-CORRECT): the list, one version as of a date, two versions
compared, and the approval signature of a version checked — all behind the one gate, values
masked as it decides."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from hoso.access import policies
from hoso.audit.purposes import Purpose
from hoso.changes import signatures
from hoso.changes.selectors import versions as selectors
from hoso.core.errors import NotFound
from hoso.web.presenters import work as work_presenters
from hoso.web.views.common import not_found


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@login_required
@never_cache
def versions(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        access = policies.dossier_access(request.user, personal_id, purpose=Purpose.VERSIONS)
    except NotFound:
        return not_found(request, what="hồ sơ")
    all_versions = list(selectors.versions_with_people(personal_id))
    context: dict = {"person": access.person, "versions": all_versions, "errors": []}
    day_text = request.GET.get("ngay", "").strip()
    if day_text:
        day = work_presenters.parse_vn_date(day_text)
        if day is None:
            context["errors"].append(f"Ngày «{day_text}» không đúng dạng dd/mm/yyyy.")
        else:
            found = selectors.version_as_of(personal_id, day)
            context["as_of"] = {
                "day": work_presenters.vn_date(day),
                "version": found,
                "rows": work_presenters.version_rows(selectors.version_data(found), access)
                if found
                else [],
            }
    a, b = _number(request.GET.get("tu")), _number(request.GET.get("den"))
    if request.GET.get("tu") or request.GET.get("den"):
        numbers = {v.number for v in all_versions}
        if a not in numbers or b not in numbers:
            context["errors"].append("Chọn hai phiên bản có trong danh sách để so sánh.")
        else:
            changes = selectors.versions_compare(personal_id, a, b)
            context["compare"] = {
                "a": a,
                "b": b,
                "rows": work_presenters.diff_rows(changes, access),
            }
    check = _number(request.GET.get("kiem_tra"))
    if check is not None:
        try:
            result = signatures.approval_verify(personal_id, check)
        except NotFound as error:
            context["errors"].append(error.message)
        else:
            context["check"] = {"number": check, "result": result}
    context["ngay"], context["tu"], context["den"] = day_text, a, b
    return render(request, "hoso/work/versions.html", context)
