from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "hoso.orgs"
    label = "orgs"
