from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "hoso.procedures"
    label = "procedures"
    verbose_name = "Quy trình nhân sự"

    def ready(self) -> None:
        from hoso.catalog.services import catalog_check_register
        from hoso.procedures.definitions import spec_problems

        catalog_check_register(spec_problems)
