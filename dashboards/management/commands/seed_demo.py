from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, PARTNERSHIP, seed_demo
from accounts.models import Partnership
from cases.demo import seed_demo_cases


class Command(BaseCommand):
    help = ("Create the fictional demo partnership, agencies, users and cases (safe to run "
            "again). With DEBUG off it is refused unless --on-a-served-instance is given: "
            "demo accounts with a published password must never reach a live service by "
            "accident.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--on-a-served-instance", action="store_true",
            help="Seed even though DEBUG is off (make run serves the demo like production)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["on_a_served_instance"]:
            raise CommandError(
                "DEBUG is off: this looks like a live service, and the demo's accounts share "
                "a published password. Add --on-a-served-instance if this is a demo or a "
                "test instance.")
        users = seed_demo()
        seed_demo_cases(Partnership.objects.get(code=PARTNERSHIP["code"]))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in users:
            self.stdout.write(f"  {demo.email:<30} {demo.role.label}")
        self.stdout.write("At each account's first sign-in you set up an authenticator app "
                          "(any app for 6-digit codes, e.g. Microsoft or Google Authenticator; "
                          "the page also shows a key to type in).")
