from __future__ import annotations

from django.urls import path

from hoso.web.views import handover

urlpatterns = [
    path("ban-giao/tiep-nhan/", handover.handover_inbox, name="handover_inbox"),
]
