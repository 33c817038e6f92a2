"""Rapid reviews: 15 working days from the Panel notification."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Agency, StatutoryPartner, User
from cases.models import StoredFile

RAPID_REVIEW_WORKING_DAYS = 15


class RapidReview(models.Model):
    """Exists only with a notification (the database refuses one without)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="rapid_review")
    notification = models.OneToOneField("notifications.PanelNotification",
                                        on_delete=models.PROTECT, related_name="rapid_review")
    started_on = models.DateField(help_text="The date the Panel was notified: day 0")
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.TextField(blank=True,
                                   help_text="Why the partners decided the criteria are not met")
    stopped_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    stop_panel_told_on = models.DateField(
        null=True, blank=True, help_text="When the Panel was told the review stopped")
    next_step = models.CharField(
        max_length=20, blank=True,
        choices=[("lcspr", "A local child safeguarding practice review (LCSPR)"),
                 ("national_review", "A national review, commissioned by the Panel"),
                 ("action_plan", "An action plan")],
        help_text="Where the case went after the Panel's response")

    def __str__(self) -> str:
        return f"Rapid review of {self.case}"


class TermsOfReference(models.Model):
    """Seed 002 Appendix E: who and what the rapid review looks at, agreed by the partners.

    Each edit raises ``version``; agreements are for one version, so an edit needs
    agreeing again.
    """

    review = models.OneToOneField(RapidReview, on_delete=models.CASCADE,
                                  related_name="terms_of_reference")
    children = models.ManyToManyField("cases.Child", blank=True, related_name="+")
    people = models.ManyToManyField("cases.Person", blank=True, related_name="+",
                                    help_text="Significant others in scope")
    scope_from = models.DateField(null=True, blank=True)
    scope_to = models.DateField(null=True, blank=True)
    earlier_history = models.TextField(
        blank=True, help_text="Pertinent history before the scope period to be included")
    other_contributors = models.TextField(
        blank=True, help_text="Contributors other than the agencies asked for information")
    meeting_dates = models.JSONField(default=list, blank=True,
                                     help_text="Planned meeting dates (ISO dates)")
    returns_due_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_from__isnull=True) | Q(scope_to__isnull=True)
                | Q(scope_to__gte=models.F("scope_from")),
                name="terms_scope_in_order"),
        ]

    def __str__(self) -> str:
        return f"Terms of reference, version {self.version}"


class TermsMember(models.Model):
    """Membership of the rapid review group named in the terms of reference."""

    class Role(models.TextChoices):
        LA_REPRESENTATIVE = "la_representative", "Local authority representative"
        POLICE_REPRESENTATIVE = "police_representative", "Police representative"
        ICB_REPRESENTATIVE = "icb_representative", "ICB representative"
        CHAIR = "chair", "Chair"
        BUSINESS_MANAGER = "business_manager", "Business manager"
        LEGAL_ADVISER = "legal_adviser", "Legal adviser"
        CRITICAL_FRIEND = "critical_friend", "Critical friend"
        OTHER = "other", "Other"

    terms = models.ForeignKey(TermsOfReference, on_delete=models.CASCADE,
                              related_name="members")
    role = models.CharField(max_length=30, choices=Role.choices)
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class TermsAgreement(models.Model):
    """One statutory partner's agreement to one version of the terms of reference."""

    terms = models.ForeignKey(TermsOfReference, on_delete=models.CASCADE,
                              related_name="agreements")
    version = models.PositiveIntegerField()
    partner = models.CharField(max_length=20, choices=StatutoryPartner.choices)
    agreed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "version", "partner"],
                                    name="terms_agreed_once_per_partner_and_version"),
        ]

    def __str__(self) -> str:
        return f"Agreed by {self.get_partner_display()} (version {self.version})"


class InformationRequest(models.Model):
    """A request to one agency for the rapid review (seed 003 SCSI-5 with SCSI-6), or for
    further information during the case's LCSPR (docs/decisions/0009): the same request,
    return and chronology, with the reviewer's questions and a date the business unit set."""

    class Reason(models.TextChoices):
        CHILD = "child", "Worked with the child or family"
        PERPETRATOR = "perpetrator", "Worked with the suspected perpetrator"
        OTHER = "other", "Other reason"

    class For(models.TextChoices):
        RAPID_REVIEW = "rapid_review", "Rapid review"
        LCSPR = "lcspr", "Local child safeguarding practice review"

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE,
                               related_name="information_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                               related_name="information_requests")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.CHILD)
    requested_for = models.CharField(
        max_length=20, choices=For.choices, default=For.RAPID_REVIEW,
        help_text="The rapid review's first requests, or further information for the LCSPR")
    questions = models.TextField(
        blank=True, help_text="For the LCSPR: what the reviewer wants to know")
    return_by = models.DateField(
        null=True, blank=True,
        help_text="For the LCSPR: the date the business unit set (the return deadline keeps "
                  "it); a rapid review request's date comes from the plan")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    return_deadline = models.ForeignKey(
        "calendars.Deadline", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="The plan's deadline for the return: its due date is the "
                                    "request's, and moves with the calendar")
    receipt_confirmed_at = models.DateTimeField(null=True, blank=True)
    receipt_confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    receipt_note = models.CharField(max_length=300, blank=True)
    form_token = models.UUIDField(
        null=True, blank=True,
        help_text="The send page's token, shared by the requests one post sent: the same "
                  "form posted twice sends once")

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"],
                                    condition=Q(requested_for="rapid_review"),
                                    name="one_information_request_per_agency"),
            models.UniqueConstraint(fields=["form_token", "agency"],
                                    name="information_request_sent_once_per_form"),
        ]

    def __str__(self) -> str:
        return f"Information request to {self.agency}"

    @property
    def due_on(self):
        """The return date: its deadline's, so the two never disagree (select_related
        ``return_deadline`` when reading many)."""
        return self.return_deadline.due_date if self.return_deadline_id else None

    @property
    def is_further(self) -> bool:
        """Further information asked during the LCSPR."""
        return self.requested_for == self.For.LCSPR

    @property
    def review_name(self) -> str:
        """How emails and pages name the review the request is for."""
        return ("local child safeguarding practice review" if self.is_further
                else "rapid review")

    @property
    def deadline_key(self) -> str:
        """``related_key`` of this request's anchor event and deadlines."""
        return f"information-request-{self.pk}"


class AgencyReturn(models.Model):
    """The agency's answer to a request: a return (with chronology) or a nil return."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        REOPENED = "reopened", "Reopened"

    request = models.OneToOneField(InformationRequest, on_delete=models.CASCADE,
                                   related_name="agency_return")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    is_nil_return = models.BooleanField(default=False)
    nil_reason = models.TextField(blank=True)
    involved_with = models.TextField(
        blank=True, help_text="With whom: the child, family members, the suspected perpetrator")
    involvement_from = models.DateField(null=True, blank=True)
    involvement_to = models.DateField(null=True, blank=True)
    services = models.TextField(blank=True, help_text="Services provided")
    summary = models.TextField(blank=True)
    further_answers = models.TextField(
        blank=True, help_text="For the LCSPR: the agency's answers to the reviewer's questions")
    worked_well = models.TextField(blank=True)
    worried_about = models.TextField(blank=True)
    immediate_learning = models.TextField(blank=True)
    records_secured = models.BooleanField(null=True, blank=True)
    records_secured_on = models.DateField(null=True, blank=True)
    authorised_by = models.CharField(
        max_length=200, blank=True, help_text="The agency's safeguarding lead officer")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_late = models.BooleanField(default=False)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reopen_reason = models.TextField(blank=True)
    submit_token = models.UUIDField(
        null=True, blank=True, unique=True,
        help_text="The token of the check page that submitted it last: posted twice, it "
                  "submits once")
    revision = models.PositiveIntegerField(
        default=0, help_text="Raised by every saved change: a form read at an older "
                             "revision cannot overwrite a newer one")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(involvement_from__isnull=True) | Q(involvement_to__isnull=True)
                | Q(involvement_to__gte=models.F("involvement_from")),
                name="return_involvement_in_order"),
        ]

    def __str__(self) -> str:
        return f"Return from {self.request.agency}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ReturnAttachment(StoredFile):
    """A file sent with a return (PDF, DOCX or XLSX), checked and size-limited on upload."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE,
                                      related_name="attachments")

    class Meta:
        ordering = ["uploaded_at", "id"]


class ChronologyEntry(models.Model):
    """One row of an agency's chronology, with the columns of seed 002 Appendix F.

    ``review`` and ``agency`` repeat the return's so the master chronology is one indexed
    query over thousands of entries.
    """

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE,
                                      related_name="chronology_entries")
    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    source = models.CharField(max_length=200, blank=True,
                              help_text="Source of information")
    agency_department = models.CharField(max_length=200)
    subjects = models.CharField(max_length=300, help_text="Subject(s)")
    contact_type = models.CharField(max_length=200, help_text="Type of contact")
    by_whom = models.CharField(max_length=200, blank=True)
    details = models.TextField(help_text="Details of event")
    comments = models.TextField(blank=True, help_text="Comments / analysis of outcome")
    position = models.PositiveIntegerField(default=0, help_text="Order within the return")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "agency__name", "position", "id"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["review", "date", "agency"])]

    def __str__(self) -> str:
        return f"{self.date}: {self.contact_type}"


class ReviewMeeting(models.Model):
    """One session of the rapid review meeting (seed 002 holds two half-day sessions).

    Quorate only with at least one representative of each statutory partner among its
    attendees (seed 004 §4.6); the decision can only be recorded at a quorate meeting.
    """

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, help_text="Room, or how to join online")
    outside_window_reason = models.TextField(
        blank=True, help_text="Why the session is outside the plan's window for the meeting")
    attendance_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the business unit confirmed it took place")
    scheduled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "starts_at", "id"]

    def __str__(self) -> str:
        return f"Rapid review meeting on {self.held_on:%d %B %Y}"


class MeetingAttendee(models.Model):
    """Who attended a session, in which capacity (the terms of reference's roles)."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE,
                                related_name="attendees")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=TermsMember.Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ReviewReport(models.Model):
    """The rapid review report under seed 002 Appendix G's headings, with the assessment
    against the LCSPR criteria and the decision, as the business unit drafts it.

    ``sections`` maps a heading's key (``rapid_review.report.SECTIONS``) to its text;
    ``criteria`` maps a criterion's code (``cases.models.TRIAGE_CRITERIA``) to
    ``{"met": "yes" | "no" | "not_known", "evidence": str}``. Every saved edit raises
    ``revision`` and leaves a ``ReportRevision``, so the history is never lost.
    """

    class Decision(models.TextChoices):
        LOCAL_CSPR = "local_cspr", "Local child safeguarding practice review (LCSPR)"
        NATIONAL_REVIEW = "national_review", "Recommend a national review to the Panel"
        NO_FURTHER_REVIEW = "no_further_review", "No further review"

    review = models.OneToOneField(RapidReview, on_delete=models.CASCADE, related_name="report")
    sections = models.JSONField(default=dict, blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    may_be_complex_or_national = models.BooleanField(null=True, blank=True)
    complex_or_national_reason = models.TextField(blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    key_lines_of_enquiry = models.TextField(blank=True, help_text="For a local CSPR")
    no_further_learning_reason = models.TextField(
        blank=True, help_text="For no further review: why no further learning is expected")
    dissemination = models.TextField(
        blank=True, help_text="For no further review: how the learning found will be shared")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    def __str__(self) -> str:
        return f"Rapid review report for {self.review.case}"


class ReportRevision(models.Model):
    """One saved edit of the report: which part, what it now says, who, when."""

    report = models.ForeignKey(ReviewReport, on_delete=models.CASCADE,
                               related_name="revisions")
    number = models.PositiveIntegerField()
    part = models.CharField(max_length=40, help_text="A section key, or assessment/decision/"
                                                     "learning")
    text = models.TextField(help_text="What the part says after the edit")
    edited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="report_revision_numbers_unique")]

    def __str__(self) -> str:
        return f"Revision {self.number} ({self.part})"


class LearningItem(models.Model):
    """A provisional learning point or an initial action: items an action plan can take up
    later (issue 7)."""

    class Kind(models.TextChoices):
        LEARNING_POINT = "learning_point", "Provisional learning point"
        IMMEDIATE_ACTION = "immediate_action", "Initial action"

    report = models.ForeignKey(ReviewReport, on_delete=models.CASCADE,
                               related_name="learning_items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True, help_text="Who leads an action")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(
        null=True, blank=True, unique=True,
        help_text="The add page's token: the same form posted twice adds once")

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ReportVersion(models.Model):
    """A frozen version of the report and decision record, the thing the partners sign.

    ``content`` is the snapshot and ``content_sha256`` its hash; a signed version never
    changes. An edit after the first signature voids the version (and so its signatures)
    and the next freeze makes a new one.
    """

    report = models.ForeignKey(ReviewReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    report_revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The report's revision frozen (its documents say it)")
    decision_meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The meeting the frozen decision was made at: its documents describe it")
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="report_version_numbers_unique")]

    def __str__(self) -> str:
        return f"Version {self.number}"


class PartnerSignature(models.Model):
    """A statutory partner's signature of one version, or their recorded disagreement
    (which the business unit must resolve)."""

    class Outcome(models.TextChoices):
        SIGNED = "signed", "Signed"
        DISAGREED = "disagreed", "Disagreed"

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT,
                                related_name="signatures")
    partner = models.CharField(max_length=20, choices=StatutoryPartner.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=200)
    signer_role = models.CharField(max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)
    content_sha256 = models.CharField(max_length=64, help_text="The hash of what was read")
    comment = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolution = models.TextField(blank=True)
    form_token = models.UUIDField(
        null=True, blank=True, unique=True,
        help_text="The sign or disagree page's token: the same form posted twice records once")

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(
            fields=["version", "partner"], condition=Q(outcome="signed"),
            name="one_signature_per_partner_and_version")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for {self.get_partner_display()}"


class ReportEndorsement(models.Model):
    """The executive group's or independent chair's endorsement of a signed version, where
    the partnership asks for one; the business unit records it for them."""

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT,
                                related_name="endorsements")
    endorsed_by_name = models.CharField(max_length=200)
    endorsed_by_role = models.CharField(max_length=200)
    endorsed_on = models.DateField()
    content_sha256 = models.CharField(max_length=64, help_text="The version endorsed")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version"],
                                               name="one_endorsement_per_version")]

    def __str__(self) -> str:
        return f"Endorsed by {self.endorsed_by_name}"


class PanelSubmission(models.Model):
    """The rapid review sent to the National Panel: the signed version, when, by whom and
    how. Recording it meets the plan's "submit to the Panel" step."""

    class Method(models.TextChoices):
        PANEL_FORM = "panel_form", "The Panel's online notification and rapid review form"
        SECURE_EMAIL = "secure_email", "Secure email to the Panel"
        OTHER = "other", "Another way"

    review = models.OneToOneField(RapidReview, on_delete=models.PROTECT,
                                  related_name="submission")
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    working_day = models.PositiveIntegerField(help_text="The review's working day it went on")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(
        null=True, blank=True, unique=True,
        help_text="The submission page's token: the same form posted twice records once")

    def __str__(self) -> str:
        return f"Submitted to the Panel on {self.submitted_on:%d %B %Y}"


class DelayNotice(models.Model):
    """The Panel told the rapid review will be later than working day 15: why, and when it
    is now expected (seed 001)."""

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE,
                               related_name="delay_notices")
    reason = models.TextField()
    expected_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Delay notice: expected {self.expected_on:%d %B %Y}"


class PanelResponse(models.Model):
    """The Panel's response (working days 16 to 30), any reply to its questions, and when it
    was shared with the partners and the review group."""

    class Outcome(models.TextChoices):
        AGREES = "agrees", "Agrees with the partners' decision"
        DISAGREES = "disagrees", "Does not agree with the partners' decision"
        QUESTIONS = "questions", "Has questions for the partners"
        NATIONAL_REVIEW = "national_review", "Will commission a national review"

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE,
                               related_name="panel_responses")
    received_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    summary = models.TextField()
    reply = models.TextField(blank=True)
    replied_on = models.DateField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(
        null=True, blank=True, unique=True,
        help_text="The record page's token: the same form posted twice records once")

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"Panel response of {self.received_on:%d %B %Y}"
