"""URLs of the documents pages: a dossier's scans and résumé, search in OCR text, findings."""

from django.urls import path

from hoso.web.views import documents

urlpatterns: list = [
    path("ho-so/<str:personal_id>/tai-lieu/", documents.components, name="components"),
    path("tai-lieu/<int:pk>/trang-thai/", documents.component_status, name="component_status"),
    path("tai-lieu/<int:pk>/thu-tu/", documents.component_move, name="component_move"),
    path("tai-lieu/<int:pk>/ban-sao.pdf", documents.component_copy, name="component_copy"),
    path("ho-so/<str:personal_id>/ly-lich.pdf", documents.resume_copy, name="resume_copy"),
    path("ho-so/<str:personal_id>/ly-lich/ky/", documents.resume_sign, name="resume_sign"),
    path("tim-tai-lieu/", documents.document_search, name="document_search"),
    path("de-xuat-sai-lech/<int:pk>/xac-nhan/", documents.finding_confirm, name="finding_confirm"),
    path("de-xuat-sai-lech/<int:pk>/bac-bo/", documents.finding_dismiss, name="finding_dismiss"),
]
