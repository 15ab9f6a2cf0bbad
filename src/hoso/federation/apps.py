from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "hoso.federation"
    label = "federation"
    verbose_name = "Liên thông quốc gia"
