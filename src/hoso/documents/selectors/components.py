"""Reading dossier components, always through the access gate (DESIGN.md: one read gate).

A scan shows everything written on it and masking cannot reach inside an image, so a reader
sees a component only when they may see every field of its section up to its sensitivity
(`DossierAccess.can_see_document`). A component that is missing and one that is hidden get
the same `NotFound`. OCR text is searched through keyed blind indexes of its normalized
words (`ComponentTerm`): whole words, accents and đ/d ignored, the text never in clear.
"""

from __future__ import annotations

import re

from django.db.models import Count

from hoso.access import policies, recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.core import crypto
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.core.text import normalize
from hoso.documents.models import Component, ComponentTerm
from hoso.people.models import Person
from hoso.people.selectors import person_queryset

TERM_PURPOSE = "ocr"
SEARCH_LIMIT = 100
MAX_QUERY_WORDS = 12
_WORD = re.compile(r"[a-z0-9]+")
MAX_WORD = 40  # longer "words" are OCR noise (or base64): not indexed


def words(text: str | None) -> set[str]:
    """The distinct search words of a text: normalized (lower case, no diacritics, đ → d)
    and split on anything that is not a letter or digit."""
    return {w for w in _WORD.findall(normalize(text)) if len(w) <= MAX_WORD}


def _query_words(query: str) -> list[str]:
    found = sorted(words(query))
    if not found:
        raise ValidationFailed(
            [Problem("empty_query", "Hãy nhập ít nhất một từ để tìm trong tài liệu.", "q")]
        )
    if len(found) > MAX_QUERY_WORDS:
        raise ValidationFailed(
            [Problem("query_too_long", f"Chỉ tìm tối đa {MAX_QUERY_WORDS} từ một lần.", "q")]
        )
    return found


def components_for(
    user: User, personal_id: str, *, include_superseded: bool = False
) -> list[Component]:
    """The components of a dossier that `user` may see, in paper-dossier order.

    Opening the list is a dossier read (audited by the gate); `NotFound` if it is not theirs."""
    access = policies.dossier_access(user, personal_id, Purpose.DOCUMENTS)
    return components_visible(access, include_superseded=include_superseded)


def components_visible(
    access: policies.DossierAccess, *, include_superseded: bool = False
) -> list[Component]:
    """The components of the dossier the gate already opened (`access`) that its reader may
    see, in paper-dossier order."""
    qs = Component.objects.filter(personal_id=access.person.personal_id)
    if not include_superseded:
        qs = qs.filter(superseded_by__isnull=True)
    return [
        c
        for c in qs.order_by("position", "id")
        if access.can_see_document(c.sensitivity, c.section)
    ]


def component_access(
    user: User, component_id: int, purpose: Purpose = Purpose.VIEW
) -> tuple[Component, policies.DossierAccess]:
    """One component and the gate's decision over its dossier, or `NotFound` (missing and
    hidden alike). A refusal because of the document's class is audited as a denial."""
    component = Component.objects.filter(pk=component_id).first()
    if component is None:
        raise NotFound()
    access = policies.dossier_access(user, component.personal_id, purpose)
    if not access.can_see_document(component.sensitivity, component.section):
        recorder.record(
            user=user,
            action=AuditAction.DOSSIER_READ_DENIED,
            outcome=AuditOutcome.DENY,
            personal_id=component.personal_id,
            sections=[component.section] if component.section else [],
            purpose=purpose,
            detail={"component": component.pk, "reason": "document_class"},
        )
        raise NotFound()
    return component, access


def component_for(user: User, component_id: int, purpose: Purpose = Purpose.VIEW) -> Component:
    """One component `user` may see, or `NotFound` (see `component_access`)."""
    return component_access(user, component_id, purpose)[0]


def component_search(user: User, query: str) -> list[tuple[Component, Person]]:
    """Components whose OCR text holds ALL the words of `query`, among the people `user`
    may read and the components they may see; the result list is audited like a search."""
    found = _query_words(query)
    terms = sorted({crypto.blind_index(w, TERM_PURPOSE) for w in found})
    matching = (
        ComponentTerm.objects.filter(term__in=terms)
        .values("component_id")
        .annotate(n=Count("term", distinct=True))
        .filter(n=len(terms))
        .values("component_id")
    )
    readable = person_queryset().filter(policies.people_scope(user)).values("personal_id")
    candidates = list(
        Component.objects.filter(
            pk__in=matching, personal_id__in=readable, superseded_by__isnull=True
        ).order_by("personal_id", "position", "id")[: SEARCH_LIMIT * 2]
    )
    people = {
        p.personal_id: p
        for p in person_queryset().filter(personal_id__in={c.personal_id for c in candidates})
    }
    gate = policies.gate_for(user)
    decisions: dict[str, policies.DossierAccess | None] = {}
    results: list[tuple[Component, Person]] = []
    for component in candidates:
        person = people.get(component.personal_id)
        if person is None:
            continue
        if person.personal_id not in decisions:
            decisions[person.personal_id] = gate.access(person)
        access = decisions[person.personal_id]
        if access is None or not access.can_see_document(component.sensitivity, component.section):
            continue
        results.append((component, person))
        if len(results) >= SEARCH_LIMIT:
            break
    recorder.search_listed(
        user,
        query={"component_text": " ".join(found)},
        shown=sorted({c.personal_id for c, _ in results}),
        total=len(results),
    )
    return results


def components_withheld(access: policies.DossierAccess) -> list[Component]:
    """The current components of the dossier the gate opened that its reader may not see
    (the documents page lists them as withheld, with the approval missing)."""
    qs = Component.objects.filter(
        personal_id=access.person.personal_id, superseded_by__isnull=True
    ).order_by("position", "id")
    return [c for c in qs if not access.can_see_document(c.sensitivity, c.section)]
