from django.apps import AppConfig


class LcsprConfig(AppConfig):
    name = "lcspr"
    verbose_name = "LCSPRs and action plans"

    def ready(self) -> None:
        # Registers the listener that keeps a revised target where it was revised to.
        from .services import target  # noqa: F401
