from django.urls import include, path

from hoso.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("hoso.web.urls")),
]
