"""The public page of the units' service figures (R-TRANSPARENT): no login, aggregates only,
and the citizen feedback form.

No dossier is read, so no gate is asked; what keeps a figure from pointing at one person is
the minimum count (setting HOSO_PUBLIC_MIN_COUNT) of procedures and of answers. Feedback keeps
nothing about its sender; the form is CSRF-protected and rate-limited per address
(`procedures.feedback`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hoso.core.errors import ValidationFailed
from hoso.procedures.feedback import Limited
from hoso.procedures.services import feedback_submit
from hoso.web.forms.transparency import FeedbackForm
from hoso.web.presenters.transparency import feedback_units, on_time_chart, public_rows

SENT = "da-gui"


def _page(
    request: HttpRequest, form: FeedbackForm, status: int = 200, **extra: object
) -> HttpResponse:
    minimum = settings.HOSO_PUBLIC_MIN_COUNT
    rows = public_rows(minimum)
    context = {
        "rows": rows,
        "minimum": minimum,
        "chart": on_time_chart(rows),
        "chart_title": "Tỷ lệ bước xử lý đúng hạn theo đơn vị",
        "form": form,
        "sent": request.GET.get(SENT) == "1",
        **extra,
    }
    return render(request, "hoso/transparency.html", context, status=status)


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    return _page(request, FeedbackForm(units=feedback_units()))


@require_POST
def transparency_feedback(request: HttpRequest) -> HttpResponse:
    """Keep a citizen's rating, then back to the page; bad input: the page with each problem
    by its field (400); too many from this address: the page with the wait (429)."""
    form = FeedbackForm(request.POST, units=feedback_units())
    form.is_valid()  # the service checks; the form only shows the values back
    try:
        feedback_submit(
            address=request.META.get("REMOTE_ADDR", ""),
            unit_code=request.POST.get("unit", ""),
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        )
    except Limited as limited:
        response = _page(request, form, status=429, limited=limited.message)
        response["Retry-After"] = str(limited.retry_after)
        return response
    except ValidationFailed as error:
        form.add_problems(error)
        return _page(request, form, status=400)
    return redirect(f"{reverse('web:transparency')}?{SENT}=1#y-kien")
