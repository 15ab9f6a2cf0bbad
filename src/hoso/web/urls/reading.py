"""URLs of signing in and of reading: search, the dossier, the agency tree, completeness and
the catalogs."""

from django.urls import path

from hoso.web.views import accounts, catalogs, completeness, dossier, orgs, search

urlpatterns: list = [
    path("dang-nhap/", accounts.login, name="login"),
    path("dang-xuat/", accounts.logout, name="logout"),
    path("", search.search, name="search"),
    path("ho-so/<str:personal_id>/", dossier.dossier, name="dossier"),
    path("to-chuc/", orgs.org_tree, name="orgs"),
    path("to-chuc/<str:code>/", orgs.org_detail, name="org"),
    path("muc-do-day-du/", completeness.completeness, name="completeness"),
    path(
        "muc-do-day-du/<str:code>/", completeness.completeness_unit, name="completeness_unit"
    ),
    path("danh-muc/", catalogs.catalog_list, name="catalogs"),
    path("danh-muc/<slug:name>/", catalogs.catalog_detail, name="catalog"),
]
