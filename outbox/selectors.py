"""Reads for the outbox, already scoped to the user asking."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import rules
from accounts.models import Partnership, User

from .models import Message


def undelivered_messages_visible_to(user: User,
                                    partnership: Partnership | None) -> QuerySet[Message]:
    """The partnership's emails that failed or wait to be tried again, newest first: for
    the business unit, nobody else."""
    if not rules.can_view_undelivered_email(user, partnership):
        return Message.objects.none()
    return (Message.objects.undelivered().filter(partnership=partnership)
            .only("to", "subject", "kind", "reference", "status", "attempts",
                  "next_attempt_at", "last_error", "created_at", "partnership_id")
            .order_by("-created_at", "-id"))
