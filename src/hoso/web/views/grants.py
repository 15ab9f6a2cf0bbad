"""Written approvals (R-WRITTEN-APPROVAL): a records manager records and revokes them; a
grantee sees their own active ones. Everything else answers the one 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies, services
from hoso.access import selectors as access_selectors
from hoso.access.models import AccessGrant, PurposeKind, Role
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.orgs import selectors as org_selectors
from hoso.orgs.models import Organization
from hoso.web.forms.security import GrantForm, RevokeForm
from hoso.web.presenters import security as security_presenters
from hoso.web.presenters import session
from hoso.web.views.common import not_found

PER_PAGE = 20


def _managed_units(request: HttpRequest) -> list[Organization]:
    """Units under the user's records-manager duties, for the coverage select."""
    on = today()
    roots = [
        a.organization
        for a in session.assignments(request)
        if a.role == Role.RECORDS_MANAGER and a.organization is not None
    ]
    seen: dict[int, Organization] = {}
    for root in roots:
        for org in org_selectors.org_list(on=on, root=root):
            seen.setdefault(org.pk, org)
    return sorted(seen.values(), key=lambda o: o.path)


@login_required
@never_cache
def grant_list(request: HttpRequest) -> HttpResponse:
    if not policies.is_records_manager(request.user):
        return not_found(request)
    on = today()
    slug = request.GET.get("trang_thai", "")
    status = security_presenters.STATUS_SLUGS.get(slug, "")
    grants = security_presenters.grants_recorded_by(request.user, status, on)
    page = Paginator(grants, PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": security_presenters.grant_views(list(page.object_list), on),
        "slug": slug if status else "",
        "statuses": [
            (s, security_presenters.STATUSES[v])
            for s, v in security_presenters.STATUS_SLUGS.items()
        ],
        "query": request.GET.copy(),
    }
    return render(request, "hoso/security/grant_list.html", context)


@login_required
@never_cache
def grant_new(request: HttpRequest) -> HttpResponse:
    if not policies.is_records_manager(request.user):
        return not_found(request)
    units = _managed_units(request)
    form = GrantForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = services.grant_issue(acting_user=request.user, **form.service_arguments())
            except ValidationFailed as error:
                form.add_problems(error)
            else:
                messages.success(
                    request,
                    f"Đã ghi nhận văn bản phê duyệt số {grant.document_number} cho tài khoản "
                    f"{grant.grantee.get_username()}.",
                )
                return redirect("web:grant", pk=grant.pk)
        return render(request, "hoso/security/grant_form.html", {"form": form}, status=400)
    return render(request, "hoso/security/grant_form.html", {"form": form})


def _own_grant(request: HttpRequest, pk: int) -> AccessGrant | None:
    try:
        return policies.own_grant_for(request.user, pk)
    except NotFound:
        return None


@login_required
@never_cache
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _own_grant(request, pk)
    if grant is None:
        return not_found(request, what="văn bản phê duyệt")
    return _detail(request, grant, RevokeForm())


def _detail(request: HttpRequest, grant: AccessGrant, form: RevokeForm, status: int = 200):
    [view] = security_presenters.grant_views([grant], today())
    return render(
        request, "hoso/security/grant_detail.html", {"g": view, "form": form}, status=status
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _own_grant(request, pk)
    if grant is None:
        return not_found(request, what="văn bản phê duyệt")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.grant_revoke(
                acting_user=request.user, grant=grant, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            if not any(p.field == "reason" for p in error.problems):
                # Nothing to correct in the form (revoked meanwhile, say): tell it on the page.
                for problem in error.problems:
                    messages.error(request, problem.message)
                return redirect("web:grant", pk=grant.pk)
            for problem in error.problems:
                form.add_error("reason", problem.message)
        else:
            messages.success(
                request,
                f"Đã thu hồi văn bản phê duyệt số {grant.document_number}. Từ lần truy cập "
                f"tiếp theo, tài khoản {grant.grantee.get_username()} không còn xem được hồ sơ "
                "theo văn bản này.",
            )
            return redirect("web:grant", pk=grant.pk)
    grant.refresh_from_db()
    return _detail(request, grant, form, status=400)


@login_required
@never_cache
def my_grants(request: HttpRequest) -> HttpResponse:
    """The grantee's own active approvals, and nobody else's."""
    grants = sorted(
        policies.active_grants(request.user, duties=session.assignments(request)),
        key=lambda g: (g.valid_to, g.pk),
    )
    consents: dict[int, int] = {}
    if any(g.purpose_kind == PurposeKind.OTHER for g in grants):
        # How many people consented, not who: that is theirs to tell.
        consents = access_selectors.consenting_count(request.user)
    rows = security_presenters.grant_views(grants, today(), consents)
    return render(request, "hoso/security/my_grants.html", {"rows": rows})
