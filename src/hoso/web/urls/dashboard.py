"""The real-time view of the work for leaders and auditors (R-EVAL-REALTIME)."""

from django.urls import path

from hoso.web.views import dashboard

urlpatterns = [
    path("dieu-hanh/", dashboard.dashboard, name="dashboard"),
]
