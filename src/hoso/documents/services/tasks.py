"""Background work of the documents app (django-tasks; tests run it at once).

Tasks are thin and idempotent (DESIGN.md house style 8): they take ids, never objects, and
call a service that can safely run twice. It lives in the services package so that the
order is one way: `components` enqueues it on commit, it runs `processing`, and `processing`
imports neither.
"""

from __future__ import annotations

from django_tasks import task

from hoso.documents.services.processing import component_process


@task()
def process_component(*, component_id: int) -> str:
    """Make the PDF/A-2b copy and OCR text of one component (`component_process`)."""
    component = component_process(component_id=component_id)
    return component.status if component is not None else "missing"
