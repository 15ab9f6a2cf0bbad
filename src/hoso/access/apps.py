from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "hoso.access"
    label = "access"
