from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Home pages and dashboards"

    def ready(self):
        from . import cache

        cache.install()
