"""The one rule of the commands that make fictional accounts sharing a published password
(seed_demo, seed_national): with DEBUG off they run only when told the instance is a demo
or a test one, so a live service never gets such accounts by accident."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

FLAG = "--on-a-served-instance"


def add_served_instance_flag(parser, *, why: str) -> None:
    parser.add_argument(FLAG, action="store_true",
                        help=f"Seed even though DEBUG is off ({why})")


def refuse_on_a_live_service(options: dict, *, accounts: str, instance: str) -> None:
    """Raise unless DEBUG is on or the flag was given. ``accounts`` names whose accounts
    share the password, ``instance`` what kind of instance the flag says this is."""
    if not settings.DEBUG and not options["on_a_served_instance"]:
        raise CommandError(
            f"DEBUG is off: this looks like a live service, and {accounts} share a published "
            f"password. Add {FLAG} if this is {instance}.")
