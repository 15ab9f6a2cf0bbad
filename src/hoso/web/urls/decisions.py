"""URLs of the personnel decision pages: a dossier's decisions, registering a new one."""

from django.urls import path

from hoso.web.views import decisions

urlpatterns: list = [
    path("ho-so/<str:personal_id>/quyet-dinh/", decisions.decisions, name="decisions"),
    path("ho-so/<str:personal_id>/quyet-dinh/moi/", decisions.decision_new, name="decision_new"),
]
