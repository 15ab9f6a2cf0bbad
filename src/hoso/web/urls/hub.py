"""URLs of the national hub's pages (its operators only)."""

from django.urls import path

from hoso.web.views import hub

urlpatterns = [
    path("quoc-gia/", hub.hub_registry, name="hub_registry"),
    path("quoc-gia/thong-ke/", hub.hub_statistics, name="hub_statistics"),
    path("quoc-gia/cac-nut/", hub.hub_nodes, name="hub_nodes"),
]
