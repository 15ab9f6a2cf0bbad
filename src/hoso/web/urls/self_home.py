"""URLs of the employee's home (kept apart so each area has its own file)."""

from django.urls import path

from hoso.web.views import self_home

urlpatterns: list = [
    path("ho-so-cua-toi/", self_home.self_home, name="self_home"),
    path(
        "ho-so-cua-toi/dong-y/<int:consent_pk>/rut-lai/",
        self_home.self_consent_withdraw,
        name="self_consent_withdraw",
    ),
]
