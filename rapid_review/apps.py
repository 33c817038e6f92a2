from django.apps import AppConfig


class RapidReviewConfig(AppConfig):
    name = "rapid_review"
    verbose_name = "Rapid reviews"

    def ready(self) -> None:
        # Registers the listener that keeps request packs in step with moved deadlines.
        from .services import requests  # noqa: F401
