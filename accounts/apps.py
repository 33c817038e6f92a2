from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, partnerships and audit"

    def ready(self):
        from . import history, signals  # noqa: F401

        history.install()
