"""URLs of dossier entry: creating a dossier from the personal id, correcting and completing
the sections of one as a draft, and the employee's own requests section by section."""

from django.urls import path

from hoso.web.views import entry, self_service

urlpatterns: list = [
    path("nhap-ho-so/", entry.entry_start, name="entry_start"),
    path("nhap-ho-so/don-vi.json", entry.entry_units, name="entry_units"),
    path("nhap-ho-so/ban-nhap/<int:pk>/", entry.entry_draft, name="entry_draft"),
    path(
        "nhap-ho-so/ban-nhap/<int:pk>/muc/<str:section>/",
        entry.entry_section,
        name="entry_section",
    ),
    path("ho-so/<str:personal_id>/sua/", entry.dossier_edit, name="dossier_edit"),
    path(
        "ho-so/<str:personal_id>/sua/<str:section>/",
        entry.dossier_edit_section,
        name="dossier_edit_section",
    ),
    path(
        "ho-so-cua-toi/de-nghi-sua/<str:section>/",
        self_service.self_correction_section,
        name="self_correction_section",
    ),
]
