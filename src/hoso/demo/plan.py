"""How much work a demo holds (README's table is checked against `figures.demo_figures`)."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.orgs.models import Organization
from hoso.people.selectors import person_queryset


@dataclass(frozen=True)
class WorkPlan:
    """How much of each kind of work a demo of the default size holds (a smaller demo holds
    what its clerk's department has people for). README's table of the demo's data is checked
    against `demo_figures`, which counts what was made."""

    overdue: int = 4  # decisions registered, not entered, past their deadline
    due_soon: int = 3
    later: int = 2  # registered today: due in 10 working days
    done: int = 3  # entered (approved) on time
    done_late: int = 1
    pending: int = 5  # paper-based proposals waiting for review
    approved: int = 3
    rejected: int = 2
    open_discrepancies: int = 6
    resolved_discrepancies: int = 3
    scanned_dossiers: int = 3  # each with a signed résumé, its paper copy and SCANS
    granted: int = 6  # protected dossiers `lanhdao` may read under a written approval
    foreign_granted: int = 3  # province dossiers `ngoai` (the ministry) may read


WORK = WorkPlan()


def snv_people(limit: int) -> list[str]:
    """Unprotected dossiers of the clerk's department, oldest first: the clerk's work."""
    unit = Organization.objects.get(code="NB.SNV")
    return list(
        person_queryset()
        .filter(current_unit__path__startswith=unit.path, secret_label="", special_category=False)
        .order_by("pk")
        .values_list("personal_id", flat=True)[:limit]
    )
