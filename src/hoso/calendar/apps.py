from django.apps import AppConfig

from hoso.calendar.validation import catalog_problems


class WorkCalendarConfig(AppConfig):
    name = "hoso.calendar"
    label = "workcalendar"  # explicit: "calendar" reads like the standard library module
    verbose_name = "Lịch ngày làm việc và thời hạn"

    def ready(self) -> None:
        # catalog.services imports models, importable only once the registry is ready.
        from hoso.catalog.services import catalog_check_register

        # A bad override or deadline rule is refused when its catalog is loaded.
        catalog_check_register(catalog_problems)
