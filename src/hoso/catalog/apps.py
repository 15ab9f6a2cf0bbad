from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "hoso.catalog"
    label = "catalog"
