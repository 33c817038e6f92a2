from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, PARTNERSHIP, seed_demo
from accounts.models import Partnership
from cases.demo import seed_demo_cases
from dashboards.management.published_password import (
    add_served_instance_flag,
    refuse_on_a_live_service,
)


class Command(BaseCommand):
    help = ("Create the fictional demo partnership, agencies, users and cases (safe to run "
            "again). With DEBUG off it is refused unless --on-a-served-instance is given: "
            "demo accounts with a published password must never reach a live service by "
            "accident.")

    def add_arguments(self, parser):
        add_served_instance_flag(parser, why="make run serves the demo like production")

    def handle(self, *args, **options):
        refuse_on_a_live_service(options, accounts="the demo's accounts",
                                 instance="a demo or a test instance")
        users = seed_demo()
        seed_demo_cases(Partnership.objects.get(code=PARTNERSHIP["code"]))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in users:
            self.stdout.write(f"  {demo.email:<30} {demo.role.label}")
        self.stdout.write("At each account's first sign-in you set up an authenticator app "
                          "(any app for 6-digit codes, e.g. Microsoft or Google Authenticator; "
                          "the page also shows a key to type in).")
