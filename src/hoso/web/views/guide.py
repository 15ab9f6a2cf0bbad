"""The user guide served by the node (`presenters.guide`): its index and its topics (the
pictures are static files).
No dossier content: any signed-in user reads it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hoso.web.presenters import guide as presenters
from hoso.web.views.common import not_found


def _page(request: HttpRequest, slug: str) -> HttpResponse:
    blocks = presenters.topic(slug)
    if blocks is None:
        return not_found(request, what="trang hướng dẫn")
    context = {
        "blocks": blocks,
        "title": presenters.title_of(blocks),
        "is_index": slug == presenters.README,
    }
    return render(request, "hoso/guide/page.html", context)


@login_required
def guide(request: HttpRequest) -> HttpResponse:
    return _page(request, presenters.README)


@login_required
def guide_topic(request: HttpRequest, slug: str) -> HttpResponse:
    if slug == presenters.README:
        return not_found(request, what="trang hướng dẫn")
    return _page(request, slug)
