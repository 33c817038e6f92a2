"""Local child safeguarding practice reviews (seed 002 chapter 3, seed 003 flowchart 3).

Commissioning: the partners' decision (with the key lines of enquiry carried over from the
rapid review), the review sub-group (CSPRG), the reviewer with their independence and
skills, the letter giving the reviewer's name to the Panel, Ofsted and DfE, and the
terms of reference the sub-group agrees. The clock: the 6 month target counts from the
partners' decision, and the final report goes to the Panel, the Secretary of State and
Ofsted at least 7 working days (statutory calendar) before the planned publication date.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Agency, StatutoryPartner, User
from calendars.models import Anchor, StepAction


class Lcspr(models.Model):
    """A local review of a case: an LCSPR, or (with the same building blocks, its own plan
    and a lighter approval chain) a learning review or a single-agency review."""

    class Kind(models.TextChoices):
        LCSPR = "lcspr", "Local child safeguarding practice review"
        LEARNING_REVIEW = "learning_review", "Learning review"
        SINGLE_AGENCY_REVIEW = "single_agency_review", "Single-agency review"

    class DecidedBy(models.TextChoices):
        PARTNERS = "partners", "The three safeguarding partners"
        ASSURANCE_EXECUTIVE = "assurance_executive", "The Assurance Executive"

    class Method(models.TextChoices):
        """Seed 002 "A Learning Review" and "Single Agency Review": the form proportionate
        to the learning."""
        DESK_TOP = "desk_top", "Desk-top review"
        PROFESSIONAL_DEBRIEF = "professional_debrief", "Professional de-brief"
        CRITICAL_MOMENT = "critical_moment", "Critical moment review"
        AGENCY_PROCESS = "agency_process", \
            "The agency's own learning process (such as an initial fact find or root cause " \
            "analysis)"

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="lcspr")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.LCSPR)
    method = models.CharField(max_length=30, choices=Method.choices, blank=True,
                              help_text="A learning review's form (not an LCSPR's)")
    leading_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The agency facilitating an agency-led learning review or carrying out a "
                  "single-agency review")
    method_revision = models.PositiveIntegerField(
        default=0, help_text="Counts saves of the method, so a stale form cannot overwrite one")
    decided_on = models.DateField(null=True, blank=True,
                                  help_text="When the decision to commission it was made")
    decided_by = models.CharField(max_length=30, choices=DecidedBy.choices, blank=True)
    key_lines_of_enquiry = models.TextField(
        blank=True, help_text="Carried over from the rapid review's conclusion")
    planned_publication_on = models.DateField(null=True, blank=True)
    final_report_sent_on = models.DateField(
        null=True, blank=True,
        help_text="When the final report went to the Panel, the Secretary of State and Ofsted")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LCSPR"

    def __str__(self) -> str:
        return f"{self.short_name} of {self.case}"

    @property
    def is_lcspr(self) -> bool:
        """Only an LCSPR has the statutory parts: the reviewer's name to the Panel, Ofsted
        and DfE, the 6 month target, the final report before publication."""
        return self.kind == self.Kind.LCSPR

    @property
    def decision_anchor(self) -> str:
        """The event the review's target counts from: the decision to commission or start
        it."""
        return (Anchor.DECISION_TO_COMMISSION_LCSPR if self.is_lcspr
                else Anchor.DECISION_TO_START_LEARNING_REVIEW)

    @property
    def title(self) -> str:
        """What pages and documents call it in a heading."""
        return self.get_kind_display()

    @property
    def short_name(self) -> str:
        """What a sentence calls it: "Back to the learning review"."""
        return "LCSPR" if self.is_lcspr else self.get_kind_display().lower()


CO_OPTED = "co_opted"
REPRESENTS = [*StatutoryPartner.choices, (CO_OPTED, "Co-opted")]


class SubGroupMember(models.Model):
    """A member of the review sub-group (CSPRG): a statutory partner's representative, or
    co-opted for what they bring to this review."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    represents = models.CharField(max_length=20, choices=REPRESENTS)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["represents", "pk"]

    def __str__(self) -> str:
        return self.name


# Seed 002 chapter 3, "Chair and/or Author": the core skills, as a minimum.
SKILLS = [
    ("leadership", "Strong leadership and ability to motivate others"),
    ("facilitation", "Expert facilitation skills and ability to handle multiple perspectives "
                     "and potentially sensitive and complex group dynamics"),
    ("problem_solving", "Collaborative problem solving experience and knowledge of "
                        "participative approaches"),
    ("best_practice", "Ability to find and evaluate best practice"),
    ("analysis", "Good analytical skills and ability to manage quantitative and qualitative "
                 "data"),
    ("safeguarding", "Knowledge of safeguarding"),
    ("writing", "Ability to write for a wide audience"),
    ("complexity", "An understanding of the complexity of the health and social care "
                   "arrangements and an awareness of issues which are complex or of national "
                   "importance such that a national review may be appropriate"),
]


class Reviewer(models.Model):
    """The chair/author, appointed by the business manager; ``user`` is their account,
    which sees this review and nothing else."""

    lcspr = models.OneToOneField(Lcspr, on_delete=models.CASCADE, related_name="reviewer")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="lcspr_appointments")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200)
    no_line_management = models.BooleanField(
        help_text="Has no line management responsibility for anyone in the agencies involved")
    no_involvement = models.BooleanField(
        help_text="Has had no involvement with the agencies' work with the child or family")
    skills = models.JSONField(default=list, help_text="Codes from SKILLS")
    appointed_on = models.DateField()
    appointed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(
            name="reviewer_declared_independent",
            condition=Q(no_line_management=True, no_involvement=True))]

    def __str__(self) -> str:
        return self.name

    def skill_labels(self) -> list[str]:
        return [label for code, label in SKILLS if code in self.skills]


class ReviewerLetterDispatch(models.Model):
    """One sending of the letter with the reviewer's name (seed 003: to the Panel, Ofsted
    and DfE): which version went to whom, when and how."""

    class Recipient(models.TextChoices):
        PANEL = "panel", "The Child Safeguarding Practice Review Panel"
        OFSTED = "ofsted", "Ofsted"
        DFE = "dfe", "The Department for Education"

    class Method(models.TextChoices):
        EMAIL = "email", "Email"
        ONLINE = "online", "Online form"
        POST = "post", "Post"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="dispatches")
    document = models.ForeignKey("cases.CaseDocument", on_delete=models.PROTECT,
                                 related_name="+", help_text="The letter's version sent")
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["lcspr", "document", "recipient"],
            name="reviewer_letter_sent_once_per_recipient")]

    def __str__(self) -> str:
        return f"Reviewer letter to {self.get_recipient_display()}"


# Who the letter goes to, and the step of the plan each recorded sending meets.
LETTER_STEPS = {
    ReviewerLetterDispatch.Recipient.PANEL: StepAction.REVIEWER_NAME_SENT_TO_PANEL,
    ReviewerLetterDispatch.Recipient.OFSTED: StepAction.REVIEWER_NAME_SENT_TO_OFSTED,
    ReviewerLetterDispatch.Recipient.DFE: StepAction.REVIEWER_NAME_SENT_TO_DFE,
}


class LcsprTerms(models.Model):
    """The LCSPR's terms of reference (seed 002 chapter 3): every save is a new version,
    which the sub-group agrees."""

    lcspr = models.OneToOneField(Lcspr, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveIntegerField(default=1)
    questions = models.TextField(help_text="Framed from the key lines of enquiry")
    scope_from = models.DateField()
    scope_to = models.DateField()
    agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    method = models.TextField()
    child_perspective = models.TextField()
    practitioner_involvement = models.TextField()
    family_involvement = models.TextField()
    communications_lead = models.CharField(max_length=500)
    criminal_proceedings = models.TextField(blank=True)
    coroner = models.TextField(blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LCSPR terms of reference"
        constraints = [models.CheckConstraint(name="lcspr_terms_scope_in_order",
                                              condition=Q(scope_from__lte=models.F("scope_to")))]

    def __str__(self) -> str:
        return f"Terms of reference, version {self.version}"


class LcsprTermsAgreement(models.Model):
    """The sub-group's agreement to one version of the terms."""

    terms = models.ForeignKey(LcsprTerms, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    agreed_on = models.DateField()
    agreed_by = models.CharField(max_length=500,
                                 help_text="Who agreed, for the sub-group (as minuted)")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terms", "version"],
                                               name="lcspr_terms_agreed_once_per_version")]

    def __str__(self) -> str:
        return f"Agreement to version {self.version}"
