from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hoso.web"
    label = "web"
