"""The pages' URLs, the root include of `hoso.urls`: one module per area."""

from hoso.web.urls import accounts, documents, entry, reading, security, self_home, stats, work

app_name = "web"
urlpatterns = [
    *reading.urlpatterns,
    *accounts.urlpatterns,
    *security.urlpatterns,
    *work.urlpatterns,
    *documents.urlpatterns,
    *self_home.urlpatterns,
    *stats.urlpatterns,
    *entry.urlpatterns,
]
