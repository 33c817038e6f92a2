from django.apps import AppConfig


class LcsprConfig(AppConfig):
    name = "lcspr"
    verbose_name = "LCSPRs and action plans"

    def ready(self) -> None:
        # Registers the listener that keeps a revised target where it was revised to, and
        # the one that opens a learning review from the triage decision.
        from .services import learning, target  # noqa: F401
