"""The Celery app. Only ids travel through the broker; tasks live in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("spr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
