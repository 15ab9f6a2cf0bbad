from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "hoso.federation"
    label = "federation"
    verbose_name = "Liên thông quốc gia"

    def ready(self) -> None:
        # The one write gate asks where a dossier is managed (docs/decisions, writeguard).
        from hoso.access import holds
        from hoso.federation import handover

        holds.register(handover.write_refusal)
