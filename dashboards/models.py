"""The data version the dashboards' page cache is keyed by (docs/decisions/0020-page-cache.md)."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """One row (id 1) whose number goes up after every committed write to a table the
    dashboards may show (``dashboards.cache``). In the database, not in a cache: the web
    workers and the Celery worker are separate processes, each with its own memory."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.version}"
