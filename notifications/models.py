"""Notifications about a serious incident: to the National Panel and, for a looked-after
child's death, to the Secretary of State and Ofsted."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import User


class PanelNotification(models.Model):
    """The local authority's notification to the Panel: starts the rapid review clock."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="panel_notification")
    became_aware_on = models.DateField()
    notified_on = models.DateField()
    notified_by = models.CharField(max_length=200, help_text="Name and role of who notified")
    panel_reference = models.CharField(max_length=60, blank=True,
                                       help_text="Reference from the Panel or Ofsted")
    children = models.ManyToManyField("cases.Child", related_name="panel_notifications")
    late_reason = models.TextField(blank=True)
    resident_local_authority = models.CharField(
        max_length=200, blank=True, help_text="If the child lives in another authority's area")
    resident_local_authority_contact = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(notified_on__gte=models.F("became_aware_on")),
                                   name="notified_after_becoming_aware"),
        ]

    def __str__(self) -> str:
        return f"Panel notified on {self.notified_on}"


class DecisionNotToNotify(models.Model):
    """The local authority decided the incident does not meet the criteria for notifying
    the Panel: the end of its 5 working day duty, with the reason on record."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="decision_not_to_notify")
    decided_on = models.DateField()
    decided_by = models.CharField(max_length=200, help_text="Name and role of who decided")
    reason = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Decided not to notify on {self.decided_on}"


class LookedAfterDeathNotice(models.Model):
    """A looked-after child died: the local authority tells the Secretary of State and
    Ofsted, whether or not abuse or neglect is known or suspected, whatever the pathway."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="looked_after_death_notice")
    secretary_of_state_notified_on = models.DateField(null=True, blank=True)
    ofsted_notified_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Looked-after child's death: notices"
