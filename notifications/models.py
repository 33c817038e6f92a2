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
    secretary_of_state_notified_on = models.DateField(null=True, blank=True)
    ofsted_notified_on = models.DateField(null=True, blank=True)
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
