"""Involving the family and practitioners in an LCSPR (seed 002 chapter 3 "Involvement of
family members, friends, and other support networks"; Appendix I, the practitioners'
guide)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Agency, User

from .commissioning import Lcspr

# Seed 002: "As a minimum, family members should:" (the six offers, in its words).
OFFERS = [
    ("notified_on", "Notified of the review process, what that means for them and how they "
                    "can access support"),
    ("contact_agreed_on", "Agreed the level and frequency of contact, to be kept informed"),
    ("contribution_on", "Supported to contribute to the review process"),
    ("feedback_on", "Included in feedback about the learning identified by the review"),
    ("publication_prepared_on", "Informed and prepared for the publication of the report"),
    ("embargoed_copy_on", "Provided with an embargoed, confidential copy of the report ahead "
                          "of publication"),
]


class FamilyMember(models.Model):
    """A family member, or someone in the wider network with a meaningful contribution, and
    the date each of the six minimum offers was made. A wish not to take part is recorded
    as theirs to make, not as a gap."""

    class Relationship(models.TextChoices):
        SIBLING = "sibling", "Sibling"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        GRANDPARENT = "grandparent", "Grandparent"
        OTHER_FAMILY = "other_family", "Other significant family member"
        WIDER_NETWORK = "wider_network", "Wider network (a friend, faith group or employer)"

    class Contribution(models.TextChoices):
        WRITING = "writing", "In writing"
        MEETING = "meeting", "By meeting with the local CSPR Chair/Author"
        THIRD_PARTY = "third_party", "Sharing views via a third party"
        OTHER = "other", "By other means"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_detail = models.CharField(max_length=200, blank=True,
                                           help_text="For example, maternal aunt")
    notified_on = models.DateField(null=True, blank=True)
    contact_agreed_on = models.DateField(null=True, blank=True)
    contact_arrangement = models.CharField(max_length=500, blank=True,
                                           help_text="The level and frequency of contact")
    contribution_on = models.DateField(null=True, blank=True)
    contribution = models.CharField(max_length=20, choices=Contribution.choices, blank=True)
    feedback_on = models.DateField(null=True, blank=True)
    publication_prepared_on = models.DateField(null=True, blank=True)
    embargoed_copy_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True,
                                   help_text="When they said they did not wish to take part")
    declined_note = models.TextField(blank=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "LCSPR family member"
        constraints = [models.CheckConstraint(
            name="family_contribution_says_how",
            condition=Q(contribution_on__isnull=True) | ~Q(contribution=""))]

    def __str__(self) -> str:
        return self.name

    def offers(self) -> list[tuple[str, str, object]]:
        """Each offer: its field, the seed's words, and the date it was made (or None)."""
        return [(field, label, getattr(self, field)) for field, label in OFFERS]


class PractitionerInvolvement(models.Model):
    """How practitioners took part (seed 002 Appendix I: "meet with the author
    individually, feed information through your SLO or attend a practitioner event"), when,
    and who attended from which agencies."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "An individual meeting with the author"
        THROUGH_SLO = "through_slo", "Information fed through the agency's safeguarding lead " \
                                     "officer (SLO)"
        EVENT = "event", "A practitioner event"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE,
                              related_name="practitioner_involvement")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    held_on = models.DateField()
    agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    attendance = models.TextField(help_text="Who attended or contributed (roles)")
    notes = models.TextField(blank=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = "practitioners' involvement in an LCSPR"
        verbose_name_plural = "practitioners' involvement in LCSPRs"

    def __str__(self) -> str:
        return self.get_kind_display()
