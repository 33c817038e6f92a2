"""The Celery app. Only ids travel through the broker; tasks live in each app's tasks.py."""

import logging
import os
from collections.abc import Callable

from celery import Celery
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("spr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
logger = logging.getLogger(__name__)


# Publishing ---------------------------------------------------------------------------------
# A page that queues work must not fail because the broker is down: the work is recorded in
# the database first, and a periodic sweep queues whatever was never queued. One quick retry
# (a dropped connection); a hung Redis costs at most two socket timeouts (settings.py).
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                        "interval_max": 0.2}


def publish_after_commit(task, *args, on_failure: Callable[[], None] | None = None) -> None:
    """Queue ``task(*args)`` once the current transaction commits, never raising a broker
    error: it is logged and ``on_failure`` is called (to mark the database row as not
    queued, for the page and the sweep). Only for work a sweep can find again."""
    from django.db import transaction

    def publish() -> None:
        try:
            task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
        except OperationalError as error:  # kombu wraps every transport's connection errors
            logger.warning("Could not queue %s%s (%s): the sweep will queue it",
                           task.name, args, error)
            if on_failure is not None:
                on_failure()

    transaction.on_commit(publish)
