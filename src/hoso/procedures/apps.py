from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "hoso.procedures"
    label = "procedures"
    verbose_name = "Quy trình nhân sự"
