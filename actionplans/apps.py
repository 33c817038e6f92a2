from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans and learning dissemination"

    def ready(self) -> None:
        # Registers the worker's reader of large progress uploads (cases/spreadsheet_jobs.py).
        from .services import progress_upload  # noqa: F401
