"""URLs of the personnel procedure pages: the lists, starting one from a dossier, a
procedure and its current step."""

from django.urls import path

from hoso.web.views import procedures

urlpatterns: list = [
    path("quy-trinh/", procedures.procedures, name="procedures"),
    path("quy-trinh/cho-toi/", procedures.procedures_waiting, name="procedures_waiting"),
    path("quy-trinh/bat-dau/", procedures.procedure_new, name="procedure_new"),
    path("quy-trinh/quy-hoach/", procedures.planning_page, name="procedure_planning"),
    path(
        "ho-so/<str:personal_id>/quy-trinh/bat-dau/",
        procedures.procedure_start_page,
        name="procedure_start",
    ),
    path("quy-trinh/<int:pk>/", procedures.procedure, name="procedure"),
    path("quy-trinh/<int:pk>/thuc-hien/", procedures.procedure_step, name="procedure_step"),
    path(
        "quy-trinh/<int:pk>/tai-lieu/<int:document_id>/",
        procedures.procedure_document,
        name="procedure_document",
    ),
]
