from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "hoso.people"
    label = "people"
