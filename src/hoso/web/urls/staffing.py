"""URLs of a unit's staffing: the standing, quotas and job positions."""

from django.urls import path

from hoso.web.views import staffing

urlpatterns: list = [
    path("to-chuc/<str:code>/bien-che/", staffing.staffing, name="staffing"),
    path("to-chuc/<str:code>/bien-che/giao/", staffing.quota_set, name="quota_set"),
    path(
        "to-chuc/<str:code>/vi-tri-viec-lam/them/",
        staffing.job_position_new,
        name="job_position_new",
    ),
    path(
        "to-chuc/<str:code>/vi-tri-viec-lam/<str:position>/",
        staffing.job_position_detail,
        name="job_position",
    ),
    path(
        "to-chuc/<str:code>/vi-tri-viec-lam/<str:position>/sua/",
        staffing.job_position_change,
        name="job_position_change",
    ),
    path(
        "to-chuc/<str:code>/vi-tri-viec-lam/<str:position>/ket-thuc/",
        staffing.job_position_end,
        name="job_position_end",
    ),
]
