"""The public page of service figures and its feedback form (no login; R-TRANSPARENT)."""

from django.urls import path

from hoso.web.views import transparency

urlpatterns: list = [
    path("minh-bach/", transparency.transparency, name="transparency"),
    path("minh-bach/y-kien/", transparency.transparency_feedback, name="transparency_feedback"),
]
