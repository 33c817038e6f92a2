"""Referring the case back to the Panel during the LCSPR (seed 002 chapter 3, seed 003
flowchart 3: "If during the course of the local CSPR new information comes to light which
suggest a national review may be appropriate this view should be shared with the panel"),
and the Panel's reply. The LCSPR goes on unless the Panel says otherwise."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import User

from .commissioning import Lcspr

# Seed 002 chapter 4: the criteria the National Panel must consider for a national review,
# then the circumstances it should have regard to.
NATIONAL_CRITERIA = [
    ("improvements", "Highlights or may highlight improvements needed to safeguard and "
                     "promote the welfare of children, including where those improvements "
                     "have been previously identified"),
    ("legislative_change", "Raises or may raise issues requiring legislative change or "
                           "changes to guidance issued under or further to any enactment"),
    ("recurrent_themes", "Highlights or may highlight recurrent themes in the safeguarding "
                         "and promotion of the welfare of children"),
]
NATIONAL_CIRCUMSTANCES = [
    ("educated_otherwise", "Significant harm or death to a child educated otherwise than at "
                           "school"),
    ("in_care_or_on_plan", "A child seriously harmed or who died while in the care of a local "
                           "authority, or while on (or recently removed from) a child "
                           "protection plan"),
    ("range_of_abuse", "The case involves a range of types of abuse"),
    ("institutional", "The case may raise issues relating to safeguarding or promoting the "
                      "welfare of children in institutional settings"),
]
NATIONAL_GROUNDS = NATIONAL_CRITERIA + NATIONAL_CIRCUMSTANCES


class NationalReferral(models.Model):
    """New information that may meet the criteria for a national review, shared with the
    Panel: when, what, which criteria, who decided; then the Panel's reply."""

    class Outcome(models.TextChoices):
        NATIONAL_REVIEW = "national_review", "The Panel will carry out a national review"
        STAYS_LOCAL = "stays_local", "The review stays local"
        OTHER = "other", "Another reply"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="national_referrals")
    referred_on = models.DateField(help_text="When the partners decided to refer it")
    new_information = models.TextField()
    grounds = models.JSONField(default=list,
                               help_text="Codes of the national criteria and circumstances")
    decided_by = models.CharField(max_length=30, choices=Lcspr.DecidedBy.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The page's token: posted twice records once")
    reply_received_on = models.DateField(null=True, blank=True)
    reply_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reply_summary = models.TextField(blank=True)
    lcspr_continues = models.BooleanField(
        null=True, blank=True, help_text="Whether the LCSPR goes on after the Panel's reply")
    reply_recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    reply_recorded_at = models.DateTimeField(null=True, blank=True)
    reply_form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["referred_on", "pk"]
        verbose_name = "referral back to the Panel for a national review"
        constraints = [
            models.CheckConstraint(name="national_referral_has_new_information",
                                   condition=~Q(new_information="")),
            models.CheckConstraint(
                name="national_referral_reply_complete",
                condition=Q(reply_received_on__isnull=True, reply_outcome="")
                | (Q(reply_received_on__isnull=False) & ~Q(reply_outcome="")
                   & ~Q(reply_summary="") & Q(lcspr_continues__isnull=False))),
            models.CheckConstraint(
                name="only_a_national_review_stops_the_lcspr",
                condition=~Q(lcspr_continues=False) | Q(reply_outcome="national_review")),
        ]

    def __str__(self) -> str:
        return f"Referral to the Panel of {self.referred_on}"

    @property
    def grounds_labels(self) -> list[str]:
        labels = dict(NATIONAL_GROUNDS)
        return [labels[code] for code, _label in NATIONAL_GROUNDS if code in self.grounds]

    @property
    def related_key(self) -> str:
        """The letter's ``related_key``."""
        return f"national-referral-{self.pk}"
