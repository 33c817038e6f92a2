"""The health report on the command line, for compose healthchecks without HTTP."""

import json

from django.core.management.base import BaseCommand, CommandError

from operations.services import health_report


class Command(BaseCommand):
    help = "Print the health report as JSON; exit 1 when unhealthy."

    def add_arguments(self, parser):
        parser.add_argument("--worker", action="store_true",
                            help="Also require a recent worker heartbeat")

    def handle(self, *args, worker: bool, **options):
        healthy, report = health_report(require_worker=worker)
        self.stdout.write(json.dumps(report))
        if not healthy:
            raise CommandError("Unhealthy")
