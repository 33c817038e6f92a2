"""The action plan every review ends in (seed 002 l.145, 302-328; seed 003 flowchart 3):
recommendations, each answering a finding of one review; actions under each with the
owning agency, a named lead, a due date, the expected outcome and the measure of impact;
the agencies' progress and evidence; the group's reviews; the board's sign-off; and how the
learning is shared."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Agency, User
from cases.models import CaseDocument, StoredFile


class ActionPlan(models.Model):
    """One living plan per case: it can start while an LCSPR runs (seed 002: "a living action
    plan to be reviewed during the local CSPR") and closes when the board signs it off."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being drawn up"
        MONITORING = "monitoring", "Agreed and being monitored"
        SIGNED_OFF = "signed_off", "Signed off by the board"

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="action_plan")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    group_name = models.CharField(
        max_length=200, default="Serious Incident Review Group",
        help_text="The partnership's group that agrees and monitors the plan (SIRG, SAIG)")
    updates_due_on = models.DateField(null=True, blank=True,
                                      help_text="When the agencies' current updates are due")
    update_round = models.PositiveIntegerField(default=0)
    signed_off_on = models.DateField(null=True, blank=True)
    board_name = models.CharField(max_length=200, blank=True)
    sign_off_note = models.TextField(blank=True)
    signed_off_sha256 = models.CharField(
        max_length=64, blank=True, help_text="The plan's content the board signed off")
    signed_off_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=~Q(status="signed_off") | Q(signed_off_on__isnull=False),
            name="signed_off_plan_has_date")]

    def __str__(self) -> str:
        return f"Action plan {self.pk}"


class Source(models.TextChoices):
    """Which review the learning came from."""

    RAPID_REVIEW_LEARNING = "rapid_review_learning", "Rapid review: learning point"
    RAPID_REVIEW_ACTION = "rapid_review_action", "Rapid review: initial action"
    LCSPR = "lcspr", "LCSPR recommendation"
    LEARNING_REVIEW = "learning_review", "Learning review recommendation"
    ADDED = "added", "Added by the business unit"


class SmartChecked(models.Model):
    """What the SMART check flagged when it was last written, and, when the business unit
    keeps it as written, why and who decided."""

    smart_flags = models.JSONField(default=list, blank=True)
    smart_accepted_reason = models.TextField(blank=True)
    smart_accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    revision = models.PositiveIntegerField(default=0)
    form_token = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text="The add page's token: posted twice adds once")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def needs_rewriting(self) -> bool:
        return bool(self.smart_flags) and not self.smart_accepted_reason


class Recommendation(SmartChecked):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE,
                             related_name="recommendations")
    number = models.PositiveIntegerField()
    finding = models.TextField(blank=True, help_text="The finding it answers")
    text = models.TextField(help_text="What is recommended")
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.ADDED)
    source_key = models.CharField(
        max_length=80, blank=True, help_text="The review's item it was taken from, once")

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="recommendation_number"),
            models.UniqueConstraint(fields=["plan", "source_key"], condition=~Q(source_key=""),
                                    name="source_taken_up_once"),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class Action(SmartChecked):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        COMPLETE = "complete", "Complete"
        NOT_IMPLEMENTED = "not_implemented", "Not implemented"

    class Impact(models.TextChoices):
        NOT_REVIEWED = "not_reviewed", "Not reviewed"
        EVIDENCED = "evidenced", "Impact evidenced"
        MORE_NEEDED = "more_needed", "More evidence asked for"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE,
                                       related_name="actions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="What will be done")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               help_text="The agency that owns it")
    lead = models.CharField(max_length=200, blank=True, help_text="The named lead")
    due_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="The expected outcome")
    measure = models.TextField(blank=True, help_text="The measure of impact")
    status = models.CharField(max_length=16, choices=Status.choices,
                              default=Status.NOT_STARTED)
    not_implemented_reason = models.TextField(blank=True)
    impact = models.CharField(max_length=12, choices=Impact.choices,
                              default=Impact.NOT_REVIEWED)
    impact_note = models.TextField(blank=True)
    impact_reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    impact_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recommendation__number", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="action_number"),
            models.CheckConstraint(
                condition=~Q(status="not_implemented") | ~Q(not_implemented_reason=""),
                name="not_implemented_action_has_reason"),
            models.CheckConstraint(condition=~Q(impact="evidenced") | Q(status="complete"),
                                   name="evidenced_action_is_complete"),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="action_agency_status")]

    def __str__(self) -> str:
        return f"Action {self.recommendation.number}.{self.number}"

    @property
    def reference(self) -> str:
        return f"{self.recommendation.number}.{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETE, self.Status.NOT_IMPLEMENTED) or (
            self.status == self.Status.COMPLETE and self.impact != self.Impact.EVIDENCED)

    @property
    def deadline_key(self) -> str:
        return f"actionplans-action-{self.pk}"

    def update_key(self, round_number: int) -> str:
        return f"actionplans-action-{self.pk}-update-{round_number}"


class ActionUpdate(models.Model):
    """An agency's progress note on its action, with the status it set. Never changed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=Action.Status.choices)
    note = models.TextField()
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"Update {self.pk}"


class EvidenceFile(StoredFile):
    """An uploaded file of evidence (an audit report, a training record), kept as sent."""


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "An uploaded file"
        LINK = "link", "A link"
        AUDIT = "audit", "An audit result"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    description = models.TextField(help_text="What it shows")
    url = models.URLField(max_length=500, blank=True)
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""),
                                   name="link_evidence_has_url"),
            models.CheckConstraint(condition=~Q(kind="file") | Q(file__isnull=False),
                                   name="file_evidence_has_file"),
        ]

    def __str__(self) -> str:
        return f"Evidence {self.pk}"


class PlanReview(models.Model):
    """The group's review of the plan at one of its meetings (seed 002: SIRG; seed 003: SAIG):
    the plan as the paper it read, and what it decided."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reviews")
    met_on = models.DateField()
    group_name = models.CharField(max_length=200)
    paper = models.ForeignKey(CaseDocument, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    decisions = models.TextField()
    plan_agreed = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-met_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of the plan on {self.met_on}"


class ScrutinyAudit(models.Model):
    """An independent scrutiny officer's audit of chosen actions (seed 003: "to ensure
    improvements are embedded into multi-agency practice")."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="audits")
    actions = models.ManyToManyField(Action, related_name="audits")
    auditor = models.CharField(max_length=200)
    due_on = models.DateField()
    findings = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.CheckConstraint(
            condition=Q(completed_on__isnull=True) | ~Q(findings=""),
            name="completed_audit_has_findings")]

    def __str__(self) -> str:
        return f"Scrutiny audit {self.pk}"


class Dissemination(models.Model):
    """How one piece of learning is shared: what, how, with whom, when."""

    class Method(models.TextChoices):
        BRIEFING = "briefing", "Briefing"
        SEVEN_MINUTE_BRIEFING = "seven_minute_briefing", "Seven-minute briefing"
        LEARNING_EVENT = "learning_event", "Learning event"
        NEWSLETTER = "newsletter", "Newsletter"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE,
                             related_name="disseminations")
    what = models.TextField()
    method = models.CharField(max_length=24, choices=Method.choices)
    audience = models.TextField(help_text="With whom")
    planned_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return f"Dissemination {self.pk}"


class DisseminationFeedback(models.Model):
    """An agency's safeguarding lead on how the learning landed in their agency."""

    dissemination = models.ForeignKey(Dissemination, on_delete=models.CASCADE,
                                      related_name="feedback")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"


class SevenMinuteBriefing(models.Model):
    """The words the business unit adds around the review's learning points; the briefing
    itself is generated from the plan (``actionplans.documents``)."""

    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="briefing")
    background = models.TextField(blank=True)
    why_it_matters = models.TextField(blank=True)
    questions = models.TextField(blank=True, help_text="Questions for practitioners")
    further_information = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Seven-minute briefing of {self.plan}"
