from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "hoso.population"
    label = "population"
