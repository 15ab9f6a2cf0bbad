"""URLs of the user guide served by the node (docs/guide/)."""

from django.urls import path

from hoso.web.views import guide

urlpatterns: list = [
    path("huong-dan/", guide.guide, name="guide"),
    path("huong-dan/<slug:slug>/", guide.guide_topic, name="guide_topic"),
]
