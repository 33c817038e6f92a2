from django.core.management.base import BaseCommand, CommandError

from dashboards.management.published_password import (
    add_served_instance_flag,
    refuse_on_a_live_service,
)
from dashboards.national import NATIONAL_PASSWORD, AlreadySeeded, seed_national


class Command(BaseCommand):
    help = ("Build the fictional national data set (issue 16): at --scale 1, 132 "
            "partnerships, 2,469 agencies, 6,996 people, 5,000 cases, 50,000 information "
            "requests, 1,000,000 chronology entries, 100,000 open deadlines and 300,000 audit "
            "rows, loaded with COPY (PostgreSQL only). Every account shares one published "
            "password, so with DEBUG off it is refused unless --on-a-served-instance is given, "
            "as seed_demo is.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="A share of the national size, e.g. 0.02 for tests")
        add_served_instance_flag(parser, why="a load-test instance served like production")

    def handle(self, *args, **options):
        refuse_on_a_live_service(options, accounts="the national data set's accounts",
                                 instance="a load-test instance")
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0")
        try:
            written = seed_national(options["scale"], log=self.stdout.write)
        except (AlreadySeeded, NotImplementedError) as error:
            raise CommandError(str(error)) from error
        for table, count in written.items():
            self.stdout.write(f"  {table:<36} {count:>10,}")
        self.stdout.write(f"Every account's password: {NATIONAL_PASSWORD}; its authenticator "
                          "key: dashboards.national.totp_key(email).")
