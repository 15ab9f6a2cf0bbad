from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "hoso.changes"
    label = "changes"
