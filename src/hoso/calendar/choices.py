"""Vietnamese labels for the engine's enums (forms, pages, exports)."""

from django.db import models

from hoso.calendar.engine import DayUnit, ObligationStatus, OverrideKind


class ObligationStatusChoices(models.TextChoices):
    ON_TIME = ObligationStatus.ON_TIME.value, "Trong hạn"
    DUE_SOON = ObligationStatus.DUE_SOON.value, "Sắp đến hạn"
    OVERDUE = ObligationStatus.OVERDUE.value, "Quá hạn"
    DONE_LATE = ObligationStatus.DONE_LATE.value, "Hoàn thành quá hạn"
    DONE = ObligationStatus.DONE.value, "Hoàn thành đúng hạn"


class DayUnitChoices(models.TextChoices):
    DAYS = DayUnit.DAYS.value, "ngày"
    WORKING_DAYS = DayUnit.WORKING_DAYS.value, "ngày làm việc"


class OverrideKindChoices(models.TextChoices):
    DAY_OFF = OverrideKind.DAY_OFF.value, "Ngày nghỉ"
    WORKING_DAY = OverrideKind.WORKING_DAY.value, "Ngày làm việc"
