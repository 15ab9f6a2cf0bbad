from __future__ import annotations

from django.urls import path

from hoso.web.views import imports

urlpatterns = [
    path("nhap-tu-tep/", imports.imports, name="imports"),
    path("nhap-tu-tep/lan/<int:pk>/", imports.import_run_status, name="import_run"),
    path(
        "nhap-tu-tep/dot/<int:pk>/phe-duyet/",
        imports.import_batch_approve,
        name="import_batch_approve",
    ),
]
