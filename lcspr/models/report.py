"""The LCSPR's overview report and what follows it (seed 002 chapter 3 "The final overview
report" and "Communication Publication Strategy"; seed 003 flowchart 3): drafts and frozen
versions, SMART recommendations, the partnership's approval chain and each approval bound to
a version's hash, the anonymised copy for publication, the final report sent to the Panel,
the Secretary of State and Ofsted, and the publication decision."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Agency, Partnership, StatutoryPartner, User
from cases.models import StoredFile

from .commissioning import Lcspr, ReviewerLetterDispatch

# The report's parts, in the seed's order (chapter 3: "a short and succinct executive
# summary", "clearly framed questions", the recommended improvements, the analysis of
# systemic or underlying reasons, "learning points and steps for learning").
SECTIONS = [
    ("executive_summary", "Executive summary"),
    ("questions", "The questions the review sought to answer"),
    ("the_case", "The case: what happened"),
    ("improvements", "Improvements needed to safeguard and promote the welfare of children"),
    ("systemic_analysis", "Analysis of systemic or underlying reasons (findings)"),
    ("learning_points", "Learning points and steps for learning"),
]
SECTION_LABELS = dict(SECTIONS)


class ReportUpload(StoredFile):
    """A draft of the report the reviewer wrote elsewhere, uploaded as Word or PDF. Never
    changed: a new upload is a new row, and a frozen version keeps the one it froze."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="report_uploads")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]


class OverviewReport(models.Model):
    """The draft: ``sections`` maps a key of ``SECTIONS`` to its text; ``upload`` is the
    uploaded draft, if any. Every saved edit raises ``revision``."""

    lcspr = models.OneToOneField(Lcspr, on_delete=models.CASCADE, related_name="overview_report")
    sections = models.JSONField(default=dict, blank=True)
    upload = models.ForeignKey(ReportUpload, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Overview report of {self.lcspr}"


class Recommendation(models.Model):
    """A SMART recommendation (seed 002: clear on what is required of which agencies, and by
    when): each becomes an item of the case's action plan once the report is published."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="recommendations")
    what = models.TextField(help_text="What is recommended")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="The agency that leads it")
    owner = models.CharField(max_length=200, help_text="Who owns it, for example a role")
    due_on = models.DateField(help_text="By when")
    measure = models.TextField(blank=True, help_text="How progress will be measured")
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Recommendation {self.pk}"


class StageKind(models.TextChoices):
    MEETING = "meeting", "A group's decision, recorded by the business unit"
    PARTNERS = "partners", "Endorsement by the three safeguarding partners, each signing"
    INFORMATION = "information", "Presented for information (does not hold up approval)"


class ApprovalStage(models.Model):
    """One stage of a partnership's approval chain for one kind of review, in order. A
    partnership with no stages for a kind uses the default chain."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    review_kind = models.CharField(max_length=30, choices=Lcspr.Kind.choices)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    name = models.CharField(max_length=200)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["partnership", "review_kind", "position"]
        constraints = [models.UniqueConstraint(
            fields=["partnership", "review_kind", "position"], name="approval_stage_once")]

    def __str__(self) -> str:
        return self.name


class OverviewReportVersion(models.Model):
    """A frozen draft: the snapshot, its SHA-256, and the approval chain it goes through (as
    the partnership set it when the version was frozen). An edit voids it with its
    approvals; a version is never changed otherwise."""

    report = models.ForeignKey(OverviewReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    chain = models.JSONField(help_text="The stages: [{'kind': ..., 'name': ...}, ...]")
    upload = models.ForeignKey(ReportUpload, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    frozen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="overview_version_numbers_unique")]

    def __str__(self) -> str:
        return f"Version {self.number}"


class ReportApproval(models.Model):
    """One stage's decision on one version, bound to the hash read: a group's decision the
    business unit records (with when and who decided), or one statutory partner's
    signature; or the version sent back with comments."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        NOTED = "noted", "Noted for information"
        SENT_BACK = "sent_back", "Sent back with comments"

    version = models.ForeignKey(OverviewReportVersion, on_delete=models.PROTECT,
                                related_name="approvals")
    stage = models.PositiveSmallIntegerField(help_text="Its position in the version's chain")
    stage_name = models.CharField(max_length=200)
    partner = models.CharField(max_length=20, choices=StatutoryPartner.choices, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    decided_on = models.DateField()
    decided_by = models.CharField(max_length=500, help_text="Who decided, or who signed")
    signer_role = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, help_text="The hash of what was read")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The page's token: posted twice records once")

    class Meta:
        ordering = ["stage", "partner", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "stage", "partner"],
                                    condition=~Q(outcome="sent_back"),
                                    name="one_approval_per_stage_and_partner"),
            models.CheckConstraint(name="sent_back_says_why",
                                   condition=~Q(outcome="sent_back") | ~Q(comment="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.stage_name}"


class RedactionTerm(models.Model):
    """A word or phrase to replace in the copy for publication (a name, a date of birth, an
    address, a practitioner's name), and what replaces it. Applied once confirmed."""

    class Category(models.TextChoices):
        CHILD = "child", "A child's name"
        FAMILY = "family", "A family member's name"
        DATE_OF_BIRTH = "date_of_birth", "A date of birth"
        ADDRESS = "address", "An address"
        STAFF = "staff", "An agency staff member's name"
        OTHER = "other", "Something else that identifies someone"

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="redaction_terms")
    term = models.CharField(max_length=300)
    replacement = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    suggested = models.BooleanField(default=False, help_text="Suggested from the case record")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")

    class Meta:
        ordering = ["category", "term", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lcspr", "term"], name="redaction_term_once"),
            models.CheckConstraint(name="redaction_term_not_blank",
                                   condition=~Q(term="") & ~Q(replacement="")),
        ]

    def __str__(self) -> str:
        return f"Redaction to {self.replacement}"


class AnonymisedCopy(models.Model):
    """The copy for publication: the approved version with the confirmed terms replaced, a
    version of its own (its own hash), which the business unit reviews and marks ready."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="anonymised_copies")
    version = models.ForeignKey(OverviewReportVersion, on_delete=models.PROTECT,
                                related_name="anonymised_copies")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    terms = models.JSONField(help_text="The confirmed terms applied: [[term, replacement]]")
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    ready_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    class Meta:
        ordering = ["-number"]
        verbose_name_plural = "anonymised copies"
        constraints = [models.UniqueConstraint(fields=["lcspr", "number"],
                                               name="anonymised_copy_numbers_unique")]

    def __str__(self) -> str:
        return f"Anonymised copy {self.number}"


class FinalReportDispatch(models.Model):
    """The approved report sent to one of the Panel, the Secretary of State and Ofsted
    (seed 003 flowchart 3: no later than seven working days before publication)."""

    class Recipient(models.TextChoices):
        PANEL = "panel", "The Child Safeguarding Practice Review Panel"
        SECRETARY_OF_STATE = "secretary_of_state", "The Secretary of State"
        OFSTED = "ofsted", "Ofsted"

    Method = ReviewerLetterDispatch.Method

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE,
                              related_name="final_report_dispatches")
    version = models.ForeignKey(OverviewReportVersion, on_delete=models.PROTECT,
                                related_name="+")
    recipient = models.CharField(max_length=20, choices=Recipient.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["lcspr", "recipient"],
                                               name="final_report_sent_once_per_recipient")]

    def __str__(self) -> str:
        return f"Final report to {self.get_recipient_display()}"


class Publication(models.Model):
    """The publication decision (seed 002: "only in exceptional circumstances will a local
    CSPR not be published", with the reason and who decided), and the publication itself."""

    class Decision(models.TextChoices):
        PUBLISH = "publish", "Publish the report"
        NOT_PUBLISH = "not_publish", "Exceptionally, not publish the report"

    lcspr = models.OneToOneField(Lcspr, on_delete=models.CASCADE, related_name="publication")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    decided_on = models.DateField()
    decided_by = models.CharField(max_length=500, help_text="Who decided")
    reason = models.TextField(blank=True, help_text="Why it is not published")
    published_on = models.DateField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)
    early_reason = models.TextField(
        blank=True, verbose_name="why it was published sooner",
        help_text="Why the report was published fewer than 7 working days after the final "
                  "report was sent to the Panel, the Secretary of State and Ofsted")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="not_publishing_says_why",
                                   condition=Q(decision="publish") | ~Q(reason="")),
            models.CheckConstraint(name="only_a_published_report_has_a_date",
                                   condition=Q(decision="publish")
                                   | Q(published_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.get_decision_display()
