from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hoso.audit"
    label = "audit"
    verbose_name = "Nhật ký kiểm toán"

    def ready(self) -> None:
        # The alert checks listen to the sequencer's batches (`signals.events_chained`).
        from hoso.audit import alerts  # noqa: F401
