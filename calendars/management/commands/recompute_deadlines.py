"""``manage.py recompute_deadlines``: every partnership's open deadlines counted again.

For when England's bank holidays change under the service (a new release of the holidays
data announcing an extra bank holiday): a partnership's own calendar or step changes
recompute its deadlines by themselves.
"""

from django.core.management.base import BaseCommand

from calendars.services import deadlines_recompute_all


class Command(BaseCommand):
    help = "Recompute every partnership's open deadlines (after a bank holiday change)."

    def handle(self, *args, **options) -> None:
        moved = deadlines_recompute_all()
        self.stdout.write(f"{moved} open deadlines moved")
