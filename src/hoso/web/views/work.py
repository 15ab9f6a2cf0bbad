"""Work to do: obligations overdue and due soon (R-10D-CREATE, R-10D-DECISION, R-DISCREPANCY),
by unit and by officer, in the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from hoso.access import recorder
from hoso.audit.purposes import Purpose
from hoso.calendar.engine import ObligationStatus
from hoso.changes.selectors import obligations
from hoso.core.dates import today as local_today
from hoso.procedures.selectors import procedures_waiting
from hoso.web.presenters.work import by_officer, obligation_rows, overdue_paper_loans, vn_date

LIST_LIMIT = 200


@login_required
@never_cache
def work(request: HttpRequest) -> HttpResponse:
    today = local_today()
    scope = obligations.obligation_scope(request.user)
    mine = request.GET.get("cua_toi") == "1"
    officer = request.user if mine else None
    overdue = list(obligations.overdue(scope=scope, officer=officer, today=today)[:LIST_LIMIT])
    due_soon = list(obligations.due_soon(scope=scope, officer=officer, today=today)[:LIST_LIMIT])
    # The lists name people: recorded like `/api/v1/obligations` (who was shown, to whom).
    recorder.obligations_listed(
        request.user,
        query={
            "status": f"{ObligationStatus.OVERDUE},{ObligationStatus.DUE_SOON}",
            "officer": request.user.get_username() if mine else "",
        },
        shown=[o.personal_id for o in (*overdue, *due_soon)],
        total=len(overdue) + len(due_soon),
    )
    keeps_paper, late_loans = overdue_paper_loans(request.user, today, LIST_LIMIT)
    if late_loans:  # the list names people and borrowers: recorded as a listing
        recorder.listed(
            request.user,
            query={"status": "overdue"},
            shown=[row.personal_id for row in late_loans],
            total=len(late_loans),
            purpose=Purpose.PAPER_LOANS,
        )
    units = [
        row
        for row in obligations.counts_by_unit(scope=scope, today=today)
        if row[ObligationStatus.OVERDUE] or row[ObligationStatus.DUE_SOON] or row["open"]
    ]
    context = {
        "today": vn_date(today),
        "mine": mine,
        "overdue": obligation_rows(overdue, ObligationStatus.OVERDUE, today),
        "due_soon": obligation_rows(due_soon, ObligationStatus.DUE_SOON, today),
        "units": units,
        "officers": by_officer(overdue, due_soon),
        "limit": LIST_LIMIT,
        "soon_days": obligations.due_soon_days(),
        "keeps_paper": keeps_paper,
        "late_loans": late_loans,
        "procedures_waiting": len(procedures_waiting(request.user)),
    }
    return render(request, "hoso/work/obligations.html", context)
