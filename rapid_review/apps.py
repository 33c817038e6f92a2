from django.apps import AppConfig


class RapidReviewConfig(AppConfig):
    name = "rapid_review"
    verbose_name = "Rapid reviews"

    def ready(self) -> None:
        from accounts.read_audit import case_finder_register

        from .selectors.requests import case_by_information_request

        # Registers the listener that keeps request packs in step with moved deadlines.
        from .services import requests  # noqa: F401

        # The agency's pages under information-requests/<pk>/ show the request's case.
        case_finder_register(case_by_information_request, url_names=[
            f"rapid_review:{name}" for name in (
                "return", "return-section", "return-nil", "return-attachments",
                "return-submit", "return-attachment", "return-attachment-remove",
                "return-chronology", "chronology-entry-add", "chronology-entry-edit",
                "chronology-entry-remove", "chronology-upload", "chronology-upload-status")])
