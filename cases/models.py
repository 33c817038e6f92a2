"""Cases: one serious incident and everything the partnership does about it.

A case is opened when an agency starts a referral (stage DRAFT, no reference yet, seen only
by that agency) and gets its reference when the referral is submitted. Children, family,
professional network and incident belong to the case, so later stages read one record.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from accounts.models import Agency, Partnership, User


class Stage(models.TextChoices):
    DRAFT = "draft", "Draft referral"
    REFERRED = "referred", "Referred"
    TRIAGE = "triage", "Triage"
    MORE_INFORMATION = "more_information", "More information requested"
    RAPID_REVIEW = "rapid_review", "Rapid review"
    LEARNING_REVIEW = "learning_review", "Learning review"
    SINGLE_AGENCY_REVIEW = "single_agency_review", "Single-agency review"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    LCSPR = "lcspr", "LCSPR"
    ACTION_PLAN = "action_plan", "Action plan"
    CLOSED = "closed", "Closed"


class Pathway(models.TextChoices):
    RAPID_REVIEW = "rapid_review", "Rapid review (notifiable serious incident)"
    LEARNING_REVIEW_PARTNERSHIP = "learning_review_partnership", \
        "Learning review facilitated by the partnership"
    LEARNING_REVIEW_AGENCY = "learning_review_agency", "Learning review facilitated by an agency"
    SINGLE_AGENCY_REVIEW = "single_agency_review", "Single-agency review"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class Case(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=30, unique=True, null=True, blank=True)
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.REFERRED)
    pathway = models.CharField(max_length=40, choices=Pathway.choices, blank=True)
    media_monitoring = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    stage_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "stage"]),
            models.Index(fields=["partnership", "-created_at"], name="case_partnership_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stage="draft") | Q(reference__isnull=False),
                                   name="case_reference_once_referred"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft referral {self.pk}"


class CaseStageChange(models.Model):
    """Every stage change, when and by whom: the case's own history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=30, choices=Stage.choices)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class CaseReferenceSequence(models.Model):
    """Last number issued per partnership and year, so a reference is never reused."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "year"],
                                               name="one_reference_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.partnership_id}/{self.year}: {self.last_number}"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class LegalStatus(models.TextChoices):
    NONE = "none", "None"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"


class ProtectionCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    MULTIPLE = "multiple", "Multiple"


class Child(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    date_of_death = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices)
    ethnicity = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=300, blank=True)
    address = models.TextField(blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    education_provision = models.CharField(max_length=200, blank=True)
    legal_status = models.CharField(max_length=30, choices=LegalStatus.choices,
                                    default=LegalStatus.NONE)
    protection_plan_start = models.DateField(null=True, blank=True)
    protection_plan_category = models.CharField(max_length=20,
                                                choices=ProtectionCategory.choices, blank=True)
    other_services = models.TextField(
        blank=True, help_text="Other services involved, with from and to dates")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_death__gte=models.F("date_of_birth")),
                name="child_death_not_before_birth"),
        ]

    def __str__(self) -> str:
        return f"Child {self.pk}"


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    PARTNER_OF_PARENT = "partner_of_parent", "Partner of parent"
    SUSPECTED_PERPETRATOR = "suspected_perpetrator", "Suspected perpetrator"
    OTHER = "other", "Other"


class Person(models.Model):
    """Someone in the child's family or network."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"Person {self.pk}"


class Involvement(models.Model):
    """An agency's work with the child or family: later drives who gets information requests."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    nature = models.TextField()
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_date__isnull=True) | Q(to_date__isnull=True)
                | Q(to_date__gte=models.F("from_date")),
                name="involvement_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"Involvement {self.pk}"


INCIDENT_CHARACTERISTICS = [
    ("abuse_alcohol", "Abuse - alcohol"),
    ("abuse_peer_on_peer", "Abuse - peer on peer"),
    ("abuse_sexual_intrafamilial", "Abuse - sexual intrafamilial"),
    ("abuse_extra_familial", "Abuse - extra familial"),
    ("abuse_emotional", "Abuse - emotional"),
    ("abuse_drugs_solvents", "Abuse - drugs or solvents"),
    ("abuse_fgm", "Abuse - physical: female genital mutilation"),
    ("abuse_self_harm", "Abuse - physical: self-harm"),
    ("abuse_online", "Abuse - online"),
    ("exploitation_modern_slavery", "Criminal exploitation - modern slavery"),
    ("exploitation_trafficking", "Criminal exploitation - trafficking"),
    ("exploitation_county_lines", "Criminal exploitation - county lines"),
    ("exploitation_other", "Criminal exploitation - other"),
    ("bullying", "Bullying"),
    ("harmful_behaviours", "Child's harmful behaviours"),
    ("extremism", "Extremism"),
    ("fabricated_illness", "Fabricated illness"),
    ("filicide", "Filicide (parent kills child)"),
    ("gang_violence", "Gang violence"),
    ("injury", "Injury"),
    ("child_exploitation", "Child exploitation"),
    ("knife_crime", "Knife crime"),
    ("road_traffic_accident", "Road traffic accident"),
    ("life_limiting_illness", "Life-limiting illness (natural causes)"),
    ("neglect_longstanding", "Neglect - longstanding"),
    ("neglect_recent", "Neglect - recent"),
    ("serious_illness", "Serious illness"),
    ("sudden_infant_death", "Sudden infant death"),
    ("shaken_baby", "Shaken baby syndrome"),
    ("suicide", "Suicide"),
    ("other", "Other"),
    ("not_yet_known", "Not yet known"),
]


class Incident(models.Model):
    class Harm(models.TextChoices):
        DEATH = "death", "Death"
        SERIOUS_HARM = "serious_harm", "Serious harm"

    class Concern(models.TextChoices):
        ABUSE = "abuse", "Abuse"
        NEGLECT = "neglect", "Neglect"
        BOTH = "both", "Abuse and neglect"
        NONE = "none", "Neither known or suspected"

    class Certainty(models.TextChoices):
        KNOWN = "known", "Known"
        SUSPECTED = "suspected", "Suspected"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="incident")
    occurred_on = models.DateField()
    occurred_time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=300)
    in_partnership_area = models.BooleanField(default=True)
    description = models.TextField()
    immediate_actions = models.TextField()
    harm = models.CharField(max_length=20, choices=Harm.choices, blank=True)
    concern = models.CharField(max_length=20, choices=Concern.choices, blank=True)
    certainty = models.CharField(max_length=20, choices=Certainty.choices, blank=True)
    characteristics = models.JSONField(default=list, blank=True)
    characteristics_other = models.CharField(max_length=300, blank=True)
    looked_after_child_death = models.BooleanField(default=False)
    media_interest = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Incident on {self.occurred_on}"

    def characteristic_labels(self) -> list[str]:
        labels = dict(INCIDENT_CHARACTERISTICS)
        return [labels.get(code, code) for code in self.characteristics]


class Referral(models.Model):
    class RequestType(models.TextChoices):
        PARTNER_NOTIFICATION = "partner_notification", \
            "Partner notification of a serious incident"
        LEARNING_REVIEW = "learning_review", "Consideration for a learning review"
        MEDIA_INTEREST = "media_interest", "Media interest only"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                                         related_name="referrals")
    referrer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="referrals")
    referrer_phone = models.CharField(max_length=40, blank=True)
    lead_officer_name = models.CharField(
        max_length=200, blank=True, help_text="Safeguarding lead officer who authorised it")
    lead_officer_role = models.CharField(max_length=200, blank=True)
    request_type = models.CharField(max_length=30, choices=RequestType.choices, blank=True)
    reason = models.TextField(blank=True, help_text="Why the referrer thinks the criteria are met")
    draft_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        indexes = [models.Index(fields=["referring_agency", "-started_at"])]

    def __str__(self) -> str:
        return f"Referral for {self.case}"


class ReferralQuery(models.Model):
    """The business unit asks the referrer for more information; the referrer answers."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="queries")
    question = models.TextField()
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Question {self.pk}"


TRIAGE_CRITERIA = [
    ("serious_case", "Definition",
     "Abuse or neglect is known or suspected and the child has died or been seriously harmed"),
    ("improvements_needed", "LCSPR criteria",
     "Highlights or may highlight improvements needed to safeguard and promote the welfare "
     "of children"),
    ("recurrent_themes", "LCSPR criteria",
     "Highlights or may highlight recurrent themes in safeguarding children"),
    ("agencies_working_together", "LCSPR criteria",
     "Highlights or may highlight concerns about two or more agencies working together"),
    ("panel_considered_local", "LCSPR criteria",
     "The Panel has considered it and concluded a local review may be more appropriate"),
    ("single_agency_concern", "Circumstances", "Cause for concern about a single agency"),
    ("no_agency_involvement", "Circumstances",
     "No agency involvement, and this gives cause for concern"),
    ("more_than_one_area", "Circumstances",
     "More than one local authority, police area or ICB is involved"),
    ("institutional_setting", "Circumstances",
     "Issues about safeguarding children in institutional settings"),
    ("multi_agency_involvement", "Learning review criteria",
     "There is multi-agency involvement with the child or family"),
    ("local_importance", "Learning review criteria",
     "The case raises issues of importance for the local area"),
]


class TriageDecision(models.Model):
    """The review group's decision on a referral (seed 002 Appendix D when the executive
    approves it; then the executive's response completes it)."""

    class Decision(models.TextChoices):
        RAPID_REVIEW = "rapid_review", "Rapid review: a notifiable serious incident"
        LEARNING_REVIEW_PARTNERSHIP = "learning_review_partnership", \
            "Learning review facilitated by the partnership"
        LEARNING_REVIEW_AGENCY = "learning_review_agency", \
            "Learning review facilitated by an agency"
        SINGLE_AGENCY_REVIEW = "single_agency_review", "Single-agency review"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        MORE_INFORMATION = "more_information", "More information needed"

    class ExecutiveResponse(models.TextChoices):
        AGREE = "agree", "Agrees"
        DISAGREE = "disagree", "Does not agree"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triage_decisions")
    meeting_date = models.DateField()
    attendees = models.TextField(help_text="Who attended, one per line")
    attending_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    criteria_met = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=40, choices=Decision.choices)
    rationale = models.TextField()
    media_monitoring = models.BooleanField(default=False)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    needs_executive_approval = models.BooleanField(default=False)
    executive_response = models.CharField(max_length=10, choices=ExecutiveResponse.choices,
                                          blank=True)
    executive_rationale = models.TextField(blank=True)
    executive_meeting_date = models.DateField(null=True, blank=True)
    executive_attendees = models.TextField(blank=True)
    executive_recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return self.get_decision_display()

    @property
    def is_final(self) -> bool:
        return not self.needs_executive_approval or bool(self.executive_response)

    @property
    def awaiting_executive(self) -> bool:
        return self.needs_executive_approval and not self.executive_response

    def criteria_labels(self) -> list[str]:
        labels = {code: label for code, _group, label in TRIAGE_CRITERIA}
        return [labels.get(code, code) for code in self.criteria_met]


class Challenge(models.Model):
    """The referring agency disagrees with a decision; the outcome is recorded."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Being considered"
        UPHELD = "upheld", "Upheld: the decision will be looked at again"
        NOT_UPHELD = "not_upheld", "Not upheld: the decision stands"

    decision = models.ForeignKey(TriageDecision, on_delete=models.CASCADE,
                                 related_name="challenges")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    grounds = models.TextField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"Challenge {self.pk}"


class StoredFile(models.Model):
    """A file someone uploaded (a return's attachment, a reviewer's draft), kept as it was
    sent, with its hash; checked on upload by the service that takes it, and scanned for
    viruses when a scanner is configured (cases/virus_scan.py: a file with a virus is
    never stored)."""

    class VirusScan(models.TextChoices):
        NOT_SCANNED = "not_scanned", "Not scanned (no virus scanner configured)"
        CLEAN = "clean", "Scanned: no virus found"

    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    virus_scan = models.CharField(max_length=12, choices=VirusScan.choices,
                                  default=VirusScan.NOT_SCANNED)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename


class CaseDocument(models.Model):
    """A document generated from the record: one version, as DOCX and PDF, with hashes.

    Versions are never changed; regenerating makes the next version. Later issues bind
    signatures to ``content_sha256``.
    """

    class Kind(models.TextChoices):
        PARTNER_LETTER = "partner_letter", "Letter to the safeguarding partners (SCSI-2)"
        REVIEW_GROUP_LETTER = "review_group_letter", "Letter to the review group (SCSI-3)"
        TERMS_OF_REFERENCE = "terms_of_reference", "Rapid review terms of reference"
        INFORMATION_REQUEST = "information_request", \
            "Information request and covering letter (SCSI-5, SCSI-6)"
        MASTER_CHRONOLOGY = "master_chronology", "Master chronology"
        COLLATED_RETURNS = "collated_returns", "Collated agency returns (SCSI-7)"
        RAPID_REVIEW_REPORT = "rapid_review_report", "Rapid review report"
        DECISION_RECORD = "decision_record", "Rapid review decision record (SRG-8)"
        SUBMISSION_LETTER = "submission_letter", "Covering letter to the Panel (Letter 9)"
        DELAY_NOTICE = "delay_notice", "Notice to the Panel of a late rapid review"
        RAPID_REVIEW_LETTER = "rapid_review_letter", \
            "Rapid review letter to the safeguarding partners (SCSI-4)"
        DECISION_RECORD_LETTER = "decision_record_letter", \
            "Covering letter to the partners with the decision record (SRG-8)"
        TRIAGE_RECOMMENDATION = "triage_recommendation", \
            "Recommendation to the executive for a rapid review"
        LCSPR_REVIEWER_LETTER = "lcspr_reviewer_letter", \
            "Letter naming the LCSPR reviewer to the Panel, Ofsted and DfE"
        LCSPR_TERMS_OF_REFERENCE = "lcspr_terms_of_reference", "LCSPR terms of reference"
        LCSPR_NATIONAL_REFERRAL = "lcspr_national_referral", \
            "Letter to the Panel on new information for a national review"
        LCSPR_OVERVIEW_REPORT = "lcspr_overview_report", "LCSPR overview report"
        LCSPR_ANONYMISED_REPORT = "lcspr_anonymised_report", \
            "LCSPR overview report, anonymised for publication"
        LCSPR_FAMILY_COPY = "lcspr_family_copy", \
            "LCSPR overview report, embargoed copy for the family"
        LCSPR_PUBLICATION_STATEMENT = "lcspr_publication_statement", \
            "Statement to the partners and the Panel on the LCSPR's publication"
        ACTION_PLAN = "action_plan", "Action plan"
        SEVEN_MINUTE_BRIEFING = "seven_minute_briefing", "Seven-minute briefing"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    related_key = models.CharField(max_length=80, blank=True,
                                   help_text="Which request, letter or version it is about")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", help_text="Addressed to this agency")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    content_sha256 = models.CharField(max_length=64, help_text="Hash of the content rendered")
    docx = models.BinaryField()
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_error = models.CharField(
        max_length=300, blank=True,
        help_text="Why the PDF could not be made, in words (the Word version is stored); "
                  "generating the same content again tries the PDF again")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "kind", "related_key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "related_key", "version"],
                                    name="case_document_version_once"),
            models.CheckConstraint(condition=~Q(pdf_sha256="") | ~Q(pdf_error=""),
                                   name="case_document_pdf_or_why_not"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class DocumentDispatch(models.Model):
    """A generated document emailed to people: who, when, by whom."""

    document = models.ForeignKey(CaseDocument, on_delete=models.PROTECT,
                                 related_name="dispatches")
    recipients = models.JSONField(default=list, help_text="Email addresses it was sent to")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    form_token = models.UUIDField(
        null=True, blank=True, unique=True,
        help_text="The send page's token: the same form posted twice sends once")

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.document} sent {self.sent_at:%Y-%m-%d}"


class DocumentPreparation(models.Model):
    """A large document asked for and being generated off the request (a Celery task).

    One unfinished preparation per document (case, kind, related key), so a second click
    queues nothing new; a failure stays here to be shown, not lost in a worker log.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="preparations")
    kind = models.CharField(max_length=40, choices=CaseDocument.Kind.choices)
    related_key = models.CharField(max_length=80, blank=True)
    filters = models.JSONField(default=dict, blank=True,
                               help_text="What the document holds (ids, dates, words)")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(default=False)
    message = models.CharField(max_length=300, blank=True,
                               help_text="Why it failed, in words for the page")
    document = models.ForeignKey(CaseDocument, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="preparations")
    queued_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When its task was last queued; empty while the broker could not take it "
                  "(the sweep queues it)")
    times_queued = models.PositiveSmallIntegerField(
        default=0, help_text="Times its task was queued: the sweep gives up after a few")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "related_key"],
                                    condition=Q(finished_at__isnull=True),
                                    name="document_preparation_pending_once"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=False) | (Q(failed=False) & Q(document=None)),
                name="document_preparation_outcome_when_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for case {self.case_id}"

    @property
    def pending(self) -> bool:
        return self.finished_at is None

    @property
    def waiting(self) -> bool:
        """Pending but not queued: the broker was down when it was asked for."""
        return self.finished_at is None and self.queued_at is None


class SpreadsheetUpload(StoredFile):
    """A large spreadsheet upload (an agency's chronology, its action plan progress) waiting
    to be read and imported by the worker (cases/spreadsheet_jobs.py), not in the request.

    The file is kept only until the task has finished (it holds a child's details): then
    ``data`` is emptied and what happened is kept instead (the count imported, or the row
    errors or the message to show). ``target_id`` is the return or plan it is for; the app
    that registered ``kind`` knows which, and checks who may see it.
    """

    class Kind(models.TextChoices):
        CHRONOLOGY = "chronology", "An agency's chronology"
        PROGRESS = "progress", "An agency's action plan progress"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be read"
        RUNNING = "running", "Being read"
        DONE = "done", "Imported"
        REFUSED = "refused", "Refused: nothing imported"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveIntegerField(help_text="The return or plan it is for")
    options = models.JSONField(default=dict, blank=True,
                               help_text="What was chosen with the file (ids and choices)")
    form_token = models.UUIDField(
        unique=True, help_text="The upload page's token: the same form posted twice does one "
                               "thing")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    count = models.PositiveIntegerField(null=True, blank=True,
                                        help_text="Rows imported, once done")
    row_errors = models.JSONField(default=list, blank=True,
                                  help_text="Each row's problem, in words for the page")
    message = models.CharField(max_length=500, blank=True,
                               help_text="Why the whole file was refused, in words")
    queued_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When its task was last queued; empty while the broker could not take it "
                  "(the sweep queues it)")
    times_queued = models.PositiveSmallIntegerField(
        default=0, help_text="Times its task was queued: the sweep gives up after a few")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status__in=["done", "refused"], finished_at__isnull=False,
                             data=b"")
                           | (Q(status__in=["pending", "running"], finished_at__isnull=True))),
                name="spreadsheet_upload_file_kept_until_finished"),
        ]
        indexes = [models.Index(fields=["kind", "target_id"], name="spreadsheet_upload_target")]

    @property
    def pending(self) -> bool:
        return self.finished_at is None

    @property
    def waiting(self) -> bool:
        """Pending but not queued: the broker was down when it was uploaded."""
        return self.finished_at is None and self.queued_at is None
