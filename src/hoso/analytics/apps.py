from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "hoso.analytics"
    label = "analytics"
