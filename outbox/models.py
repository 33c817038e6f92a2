"""The outbox: one row per email to one address, written in the same transaction as the
change the email tells about, and delivered by the worker one row at a time."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Partnership


class MessageQuerySet(models.QuerySet):
    def undelivered(self) -> MessageQuerySet:
        """Failed, or waiting to be tried again after a failed attempt. Written exactly as
        the partial index ``outbox_undelivered``'s condition, so the page uses it."""
        return self.exclude(status=Message.Status.SENT).exclude(last_error="")


class Message(models.Model):
    """One email to one address. Only the case reference and ids are kept beside the text,
    and the text itself holds a reference and a link, never a child's details."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not delivered"

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    kind = models.CharField(max_length=40, help_text="What the email is about, e.g. reminder")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    reference = models.CharField(max_length=30, blank=True, help_text="The case's reference")
    related = models.JSONField(default=dict, blank=True,
                               help_text="Ids of the records the email is about, never details")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="Pending: when it is next due. Sending: when the claim lapses and the "
                  "sweep puts it back.")
    last_error = models.CharField(max_length=300, blank=True,
                                  help_text="The mail server's answer, addresses removed")
    secret = models.BooleanField(default=False,
                                 help_text="The body holds a secret (a password reset link): "
                                           "emptied once sent or failed")
    dedupe_key = models.CharField(max_length=300, null=True, blank=True, unique=True,
                                  help_text="Queueing the same key again adds nothing")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False),
                                   name="sent_message_has_time"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(last_error=""),
                                   name="failed_message_has_reason"),
        ]
        indexes = [
            # Delivery (the next due pending row) and the sweep (claims that lapsed). Sent
            # rows, nearly all of them in time, are in neither. One condition each, written
            # as the queries write it, so SQLite as well as PostgreSQL uses them.
            models.Index(fields=["next_attempt_at", "id"], name="outbox_pending",
                         condition=Q(status="pending")),
            models.Index(fields=["next_attempt_at"], name="outbox_sending",
                         condition=Q(status="sending")),
            # The business unit's page of undelivered messages.
            models.Index(fields=["partnership", "-created_at"], name="outbox_undelivered",
                         condition=~Q(status="sent") & ~Q(last_error="")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}: {self.get_status_display()}"

    @property
    def can_try_again(self) -> bool:
        """Failed, or waiting out its backoff: trying again makes it due now. (Due now,
        being sent or sent: there is nothing to do.)"""
        return self.status == self.Status.FAILED or (
            self.status == self.Status.PENDING and self.next_attempt_at > timezone.now())
