"""Records management (issue 15): how long each kind of record is kept, the cases due for
review once that time has passed, legal holds, and what was decided about each.

Nothing here deletes a record. A case past its retention period is flagged for a person to
review; what they decide (keep it longer, hold it, or record that it was reviewed) is kept
as a decision with its reason (docs/decisions/0019-records-management.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Partnership, User
from cases.models import Case


class RecordType(models.TextChoices):
    REVIEWED_CASE = "reviewed_case", "Closed cases that had a review"
    NO_FURTHER_ACTION = "no_further_action", "Referrals not taken forward"
    AUDIT_TRAIL = "audit_trail", "The audit trail"


# The defaults, until a partnership sets its own (docs/decisions/0019 says why each).
DEFAULT_YEARS = {
    RecordType.REVIEWED_CASE: 40,
    RecordType.NO_FURTHER_ACTION: 6,
    RecordType.AUDIT_TRAIL: 40,
}
MAX_YEARS = 100


class RetentionRule(models.Model):
    """A partnership's own period for one record type; without a row, the default."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT,
                                    related_name="retention_rules")
    record_type = models.CharField(max_length=30, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField()
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partnership", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "record_type"],
                                    name="one_retention_rule_per_record_type"),
            models.CheckConstraint(condition=Q(years__gte=1) & Q(years__lte=MAX_YEARS),
                                   name="retention_years_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years"


class CaseRetention(models.Model):
    """Where a case stands on retention: flagged for review, kept to a date, on legal hold,
    or reviewed. A case with no row has had none of these."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="retention")
    flagged_on = models.DateField(
        null=True, blank=True, help_text="When the retention sweep flagged it for review; "
                                         "empty once a person has decided")
    flagged_rule = models.CharField(max_length=30, choices=RecordType.choices, blank=True)
    flagged_years = models.PositiveSmallIntegerField(null=True, blank=True)
    keep_until = models.DateField(null=True, blank=True,
                                  help_text="Kept for a further period: not flagged before")
    legal_hold = models.BooleanField(default=False)
    reviewed_on = models.DateField(null=True, blank=True,
                                   help_text="Marked as reviewed: never flagged again")

    class Meta:
        ordering = ["case"]
        indexes = [models.Index(fields=["flagged_on"], condition=Q(flagged_on__isnull=False),
                                name="case_retention_flagged"),
                   models.Index(fields=["legal_hold"], condition=Q(legal_hold=True),
                                name="case_retention_held")]
        constraints = [
            models.CheckConstraint(condition=Q(flagged_on__isnull=True) | Q(legal_hold=False),
                                   name="case_retention_held_never_flagged"),
        ]

    def __str__(self) -> str:
        return f"Retention of case {self.case_id}"


class RetentionDecision(models.Model):
    """What a person decided about a case's retention, and why: the case's history of it."""

    class Kind(models.TextChoices):
        KEEP = "keep", "Kept for a further period"
        HOLD = "hold", "Legal hold placed"
        RELEASE = "release", "Legal hold released"
        REVIEWED = "reviewed", "Marked as reviewed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="retention_decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    keep_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["case", "-decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"
