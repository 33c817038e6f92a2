from django.apps import AppConfig


class LcsprConfig(AppConfig):
    name = "lcspr"
    verbose_name = "LCSPRs and action plans"
