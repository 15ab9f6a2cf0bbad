"""URLs of the work pages: deadlines, discrepancies, change-set review, versions and the
employee's own correction requests."""

from django.urls import path

from hoso.web.views import changesets, discrepancies, self_service, versions, work

urlpatterns: list = [
    path("viec-can-lam/", work.work, name="work"),
    path("sai-lech/", discrepancies.discrepancy_list, name="discrepancies"),
    path("sai-lech/<int:pk>/", discrepancies.discrepancy_detail, name="discrepancy"),
    path(
        "sai-lech/<int:pk>/xac-minh/", discrepancies.discrepancy_resolve, name="discrepancy_resolve"
    ),
    path(
        "ho-so/<str:personal_id>/bao-sai-lech/",
        discrepancies.discrepancy_report,
        name="discrepancy_report",
    ),
    path("ho-so/<str:personal_id>/phien-ban/", versions.versions, name="versions"),
    path("de-xuat/", changesets.changeset_list, name="changesets"),
    path("de-xuat/<int:pk>/", changesets.changeset_detail, name="changeset"),
    path("de-xuat/<int:pk>/phe-duyet/", changesets.changeset_approve, name="changeset_approve"),
    path("de-xuat/<int:pk>/tu-choi/", changesets.changeset_reject, name="changeset_reject"),
    path("ho-so-cua-toi/de-nghi-sua/", self_service.self_correction, name="self_correction"),
]
