"""The pages' URLs, the root include of `hoso.urls`: one module per area."""

from hoso.web.urls import (
    accounts,
    dashboard,
    decisions,
    documents,
    entry,
    guide,
    handover,
    hub,
    imports,
    lending,
    procedures,
    reading,
    security,
    self_home,
    staffing,
    stats,
    transparency,
    work,
)

app_name = "web"
urlpatterns = [
    *reading.urlpatterns,
    *accounts.urlpatterns,
    *security.urlpatterns,
    *work.urlpatterns,
    *documents.urlpatterns,
    *decisions.urlpatterns,
    *procedures.urlpatterns,
    *self_home.urlpatterns,
    *stats.urlpatterns,
    *lending.urlpatterns,
    *guide.urlpatterns,
    *staffing.urlpatterns,
    *entry.urlpatterns,
    *imports.urlpatterns,
    *handover.urlpatterns,
    *transparency.urlpatterns,
    *dashboard.urlpatterns,
    *hub.urlpatterns,
]
