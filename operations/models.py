"""What operations need to know about the running service. No personal data."""

from django.db import models


class Heartbeat(models.Model):
    """The last time something periodic ran, by name: the worker's heartbeat (a beat task
    the worker runs, so it proves beat, broker, worker and database together)."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
