"""URLs of the statistics pages: counts, drill-down lists and the Ministry's report."""

from django.urls import path

from hoso.web.views import stats

urlpatterns = [
    path("thong-ke/", stats.stats_home, name="stats"),
    path("thong-ke/danh-sach/", stats.stats_people, name="stats_people"),
    path("thong-ke/bao-cao/", stats.stats_report, name="stats_report"),
]
