"""The public page of service figures (no login; R-TRANSPARENT)."""

from django.urls import path

from hoso.web.views import transparency

urlpatterns: list = [
    path("minh-bach/", transparency.transparency, name="transparency"),
]
