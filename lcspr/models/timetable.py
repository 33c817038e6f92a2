"""The review's timetable (seed 002 chapter 3: the sub-group chair agrees a timetable of
sub-group meetings and sets timescales for chronologies, conversations and learning events;
seed 003 flowchart 3). Each item is a deadline on the partnership's calendar."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import User
from calendars.models import Deadline
from calendars.step_pages import TIMETABLE_KEY

from .commissioning import Lcspr


class TimetableItem(models.Model):
    """A meeting, a chronology deadline, a conversation or event with practitioners, a family
    meeting or a learning event, on a date. ``deadline`` is the step the item made; it moves
    with the item, is met when the item is held or done, and closes when it is cancelled."""

    class Kind(models.TextChoices):
        SUB_GROUP_MEETING = "sub_group_meeting", "Review sub-group or panel meeting"
        CHRONOLOGY = "chronology", "Chronology deadline"
        PRACTITIONERS = "practitioners", "Practitioner conversation or event"
        FAMILY = "family", "Family meeting"
        LEARNING_EVENT = "learning_event", "Learning event"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Held or done"
        CANCELLED = "cancelled", "Cancelled"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="timetable")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    first_due_on = models.DateField(help_text="The date first set, shown against a move")
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(null=True, blank=True)
    move_reason = models.TextField(blank=True, help_text="Why it last moved")
    cancel_reason = models.TextField(blank=True)
    deadline = models.OneToOneField(Deadline, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    revision = models.PositiveIntegerField(default=1)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "starts_at", "pk"]
        verbose_name = "LCSPR timetable item"
        constraints = [
            models.CheckConstraint(name="timetable_done_has_date",
                                   condition=~Q(status="done") | Q(done_on__isnull=False)),
            models.CheckConstraint(name="timetable_cancelled_has_reason",
                                   condition=~Q(status="cancelled") | ~Q(cancel_reason="")),
        ]
        indexes = [models.Index(fields=["lcspr", "due_on"], name="timetable_lcspr_due")]

    def __str__(self) -> str:
        return f"{self.title} on {self.due_on}"

    @property
    def deadline_key(self) -> str:
        return f"{TIMETABLE_KEY}{self.pk}"

    @property
    def moved(self) -> bool:
        return self.due_on != self.first_due_on

    def status_tag(self, today) -> tuple[str, str]:
        """What the timetable shows: (status, GOV.UK tag colour), judged on its deadline."""
        if self.status == self.Status.CANCELLED:
            return "Cancelled", "grey"
        if self.status == self.Status.DONE:
            late = self.deadline_id and self.deadline.status == "missed"
            return ("Done late", "yellow") if late else ("Held or done", "green")
        due = self.deadline.due_date if self.deadline_id else self.due_on
        if due < today:
            return "Overdue", "red"
        return ("Today", "orange") if due == today else ("Planned", "blue")
