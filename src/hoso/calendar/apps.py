from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "hoso.calendar"
    label = "workcalendar"  # explicit: "calendar" reads like the standard library module
    verbose_name = "Lịch ngày làm việc và thời hạn"
