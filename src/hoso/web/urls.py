from django.urls import path

from hoso.web import (
    urls_accounts,
    urls_documents,
    urls_security,
    urls_self,
    urls_stats,
    urls_work,
)
from hoso.web.views import accounts, catalogs, completeness, dossier, orgs, search

app_name = "web"
urlpatterns = [
    path("dang-nhap/", accounts.login, name="login"),
    path("dang-xuat/", accounts.logout, name="logout"),
    path("", search.search, name="search"),
    path("ho-so/<str:personal_id>/", dossier.dossier, name="dossier"),
    path("to-chuc/", orgs.org_tree, name="orgs"),
    path("to-chuc/<str:code>/", orgs.org_detail, name="org"),
    path("muc-do-day-du/", completeness.completeness, name="completeness"),
    path("danh-muc/", catalogs.catalog_list, name="catalogs"),
    path("danh-muc/<slug:name>/", catalogs.catalog_detail, name="catalog"),
    *urls_accounts.urlpatterns,
    *urls_security.urlpatterns,
    *urls_work.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_self.urlpatterns,
    *urls_stats.urlpatterns,
]
