"""Running an LCSPR (seed 002 chapter 3): the processes running alongside it and the
target's revisions, and the Regulation 14 progress checkpoints."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import User
from calendars.step_pages import CHECKPOINT_KEY

from .commissioning import Lcspr


class ParallelProcess(models.Model):
    """Another process alongside the review (seed 002 "Links to Other processes", seed 000):
    its status, the review's contact with it (the senior investigating officer before any
    interview; the coroner only through the legal adviser) and its effect on the timetable."""

    class Kind(models.TextChoices):
        CRIMINAL_INVESTIGATION = "criminal_investigation", "Criminal investigation"
        CORONER = "coroner", "Coroner's investigation"
        DISCIPLINARY = "disciplinary", "Professional body disciplinary procedures"
        DOMESTIC_HOMICIDE_REVIEW = "domestic_homicide_review", "Domestic Homicide Review"
        SAFEGUARDING_ADULT_REVIEW = "safeguarding_adult_review", "Safeguarding Adult Review"
        MAPPA = "mappa", "Multi-agency public protection arrangements (MAPPA)"
        MENTAL_HEALTH_HOMICIDE_REVIEW = "mental_health_homicide_review", \
            "Mental Health Homicide Review"

    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        UNDER_WAY = "under_way", "Under way"
        PAUSED = "paused", "Paused"
        CONCLUDED = "concluded", "Concluded"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE,
                              related_name="parallel_processes")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    lead = models.CharField(max_length=500, help_text="Who leads it, e.g. the senior "
                                                      "investigating officer")
    contact = models.TextField(help_text="How the review keeps in contact with it")
    contacted_on = models.DateField(null=True, blank=True,
                                    help_text="When the review last contacted its lead")
    effect_on_timetable = models.TextField(blank=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "parallel process"
        verbose_name_plural = "parallel processes"

    def __str__(self) -> str:
        return self.get_kind_display()


class TargetRevision(models.Model):
    """A move of the 6 month target, with its reason. The first one's ``previous_on`` is the
    original target, so the page shows every revision against it."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="target_revisions")
    previous_on = models.DateField()
    revised_on = models.DateField()
    reason = models.TextField()
    parallel_process = models.ForeignKey(ParallelProcess, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="target_revisions")
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The page's token: posted twice revises once")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = "revision of the LCSPR target date"
        verbose_name_plural = "revisions of the LCSPR target date"
        constraints = [
            models.CheckConstraint(name="target_revision_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(name="target_revision_moves_the_date",
                                   condition=~Q(revised_on=models.F("previous_on"))),
        ]

    def __str__(self) -> str:
        return f"Target revised to {self.revised_on}"


class Checkpoint(models.Model):
    """A Regulation 14 progress checkpoint: the partners monitor time and quality. The
    reviewer writes an update; the business unit records the partners' view, any corrective
    action and learning agreed to be released early. Met when the partners' review is
    recorded; due on a working day of the partnership's calendar."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="checkpoints")
    due_on = models.DateField()
    reviewer_update = models.TextField(blank=True)
    update_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    update_at = models.DateTimeField(null=True, blank=True)
    time_view = models.TextField(blank=True, help_text="The partners' view of time")
    quality_view = models.TextField(blank=True, help_text="The partners' view of quality")
    corrective_action = models.TextField(blank=True)
    early_learning = models.TextField(blank=True,
                                      help_text="Learning agreed to be released early")
    reviewed_on = models.DateField(null=True, blank=True,
                                   help_text="When the partners reviewed progress")
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "LCSPR progress checkpoint"
        constraints = [
            models.UniqueConstraint(fields=["lcspr", "due_on"],
                                    name="one_checkpoint_per_lcspr_and_day"),
            models.CheckConstraint(name="checkpoint_review_has_views",
                                   condition=Q(reviewed_on__isnull=True)
                                   | (~Q(time_view="") & ~Q(quality_view=""))),
        ]

    def __str__(self) -> str:
        return f"Progress checkpoint due {self.due_on}"

    @property
    def deadline_key(self) -> str:
        """The related key of the checkpoint's two deadlines (update, partners' review)."""
        return f"{CHECKPOINT_KEY}{self.pk}"

    def status(self, today) -> str:
        """"met", "met_late", "overdue", "due_today" or "due"."""
        if self.reviewed_on is not None:
            return "met_late" if self.reviewed_on > self.due_on else "met"
        if self.due_on < today:
            return "overdue"
        return "due_today" if self.due_on == today else "due"
