from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, PARTNERSHIP, seed_demo
from accounts.models import Partnership
from cases.demo import seed_demo_cases


class Command(BaseCommand):
    help = "Create the fictional demo partnership, agencies and users (safe to run again)."

    def handle(self, *args, **options):
        users = seed_demo()
        seed_demo_cases(Partnership.objects.get(code=PARTNERSHIP["code"]))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in users:
            self.stdout.write(f"  {demo.email:<30} {demo.role.label}")
