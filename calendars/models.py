"""Partnership calendars, timeline templates, deadlines and the reminders sent for them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Agency, Partnership, Role, User


class CalendarDay(models.Model):
    """A partnership's exception to the England and Wales working-day calendar."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", "Closed: not a working day"
        WORKING = "working", "Working day despite a bank holiday"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="calendar_days")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["partnership", "date"],
                                               name="one_calendar_exception_per_day")]

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()}"


class Anchor(models.TextChoices):
    """Events a deadline counts from. The services record them as the case moves on."""

    INCIDENT = "incident", "Incident happened"
    REFERRAL_RECEIVED = "referral_received", "Serious incident referred to the partnership"
    BECAME_AWARE = "became_aware", "Local authority became aware"
    LOOKED_AFTER_CHILD_DIED = "looked_after_child_died", \
        "Local authority learned a looked-after child died"
    TRIAGE_DECIDED = "triage_decided", "Decision to start a rapid review"
    NOTIFICATION_SENT = "notification_sent", "Panel notified"
    INFORMATION_REQUEST_SENT = "information_request_sent", "Information request sent"
    MEETING_HELD = "meeting_held", "Rapid review meeting held"
    DECISION_TO_COMMISSION_LCSPR = "decision_to_commission_lcspr", "Decision to commission an LCSPR"
    DECISION_TO_START_LEARNING_REVIEW = "decision_to_start_learning_review", \
        "Decision to start a learning review or single-agency review"
    PLANNED_PUBLICATION = "planned_publication", "Planned publication"
    LCSPR_REVIEWER_APPOINTED = "lcspr_reviewer_appointed", "LCSPR reviewer appointed"
    LCSPR_CHECKPOINT = "lcspr_checkpoint", "LCSPR progress checkpoint set for a date"
    LCSPR_TIMETABLE = "lcspr_timetable", "LCSPR timetable date set"
    ACTION_DUE = "action_due", "Action plan: an action's due date set"
    ACTION_UPDATE_DUE = "action_update_due", "Action plan: date set for progress updates"


# Anchors that may be in the future: a plan, not an event (everything else has happened).
# The dates people set for an LCSPR's checkpoints and timetable are plans too: each is the
# day its step is due.
FUTURE_ANCHORS = frozenset({Anchor.PLANNED_PUBLICATION, Anchor.LCSPR_CHECKPOINT,
                            Anchor.LCSPR_TIMETABLE, Anchor.ACTION_DUE,
                            Anchor.ACTION_UPDATE_DUE})


class Part(models.TextChoices):
    """The part of the process a step belongs to, by the event it counts from. When the
    pathway changes, the open steps of a part that no longer applies are closed together."""

    REFERRAL = "referral", "Referral"
    NOTIFICATION = "notification", "The local authority's notifications"
    RAPID_REVIEW = "rapid_review", "Rapid review"
    LCSPR = "lcspr", "LCSPR"
    LEARNING_REVIEW = "learning_review", "Learning review"
    ACTION_PLAN = "action_plan", "Action plan"


ANCHOR_PART = {
    Anchor.INCIDENT: Part.REFERRAL,
    Anchor.BECAME_AWARE: Part.NOTIFICATION,
    Anchor.LOOKED_AFTER_CHILD_DIED: Part.NOTIFICATION,
    Anchor.REFERRAL_RECEIVED: Part.RAPID_REVIEW,
    Anchor.TRIAGE_DECIDED: Part.RAPID_REVIEW,
    Anchor.NOTIFICATION_SENT: Part.RAPID_REVIEW,
    Anchor.INFORMATION_REQUEST_SENT: Part.RAPID_REVIEW,
    Anchor.MEETING_HELD: Part.RAPID_REVIEW,
    Anchor.DECISION_TO_COMMISSION_LCSPR: Part.LCSPR,
    Anchor.PLANNED_PUBLICATION: Part.LCSPR,
    Anchor.DECISION_TO_START_LEARNING_REVIEW: Part.LEARNING_REVIEW,
    Anchor.LCSPR_REVIEWER_APPOINTED: Part.LCSPR,
    Anchor.LCSPR_CHECKPOINT: Part.LCSPR,
    Anchor.LCSPR_TIMETABLE: Part.LCSPR,
    Anchor.ACTION_DUE: Part.ACTION_PLAN,
    Anchor.ACTION_UPDATE_DUE: Part.ACTION_PLAN,
}


def anchors_of(*parts: str) -> list[str]:
    return [anchor for anchor, part in ANCHOR_PART.items() if part in parts]


class StepAction(models.TextChoices):
    """What the product does that meets a step. Each service that does one of these calls
    ``deadline_meet`` with it, so a plan can only hold steps something will meet."""

    REFERRAL_SUBMITTED = "referral_submitted", "The agency submits its referral"
    PANEL_NOTIFIED = "panel_notified", "The notification to the Panel is recorded"
    SECRETARY_OF_STATE_NOTIFIED = "secretary_of_state_notified", \
        "The Secretary of State is told of the looked-after child's death"
    OFSTED_NOTIFIED = "ofsted_notified", "Ofsted is told of the looked-after child's death"
    PARTNER_LETTER_SENT = "partner_letter_sent", \
        "The letter to the safeguarding partners (SCSI-2) is sent"
    REVIEW_GROUP_LETTER_SENT = "review_group_letter_sent", \
        "The letter to the review group (SCSI-3) is sent"
    RAPID_REVIEW_LETTER_SENT = "rapid_review_letter_sent", \
        "The rapid review letter to the safeguarding partners (SCSI-4) is sent"
    MEETING_SCHEDULED = "meeting_scheduled", "The rapid review meeting is scheduled"
    TERMS_AGREED = "terms_agreed", "All three partners agree the terms of reference"
    INFORMATION_REQUESTS_SENT = "information_requests_sent", \
        "Information requests are sent to agencies"
    RECEIPT_CONFIRMED = "receipt_confirmed", \
        "The follow-up call confirms the agency has the request"
    RETURN_SUBMITTED = "return_submitted", "The agency submits its return or a nil return"
    RETURNS_COLLATED = "returns_collated", \
        "The returns and their chronologies are collated for the review group (SCSI-7)"
    MEETING_HELD = "meeting_held", "The rapid review meeting is confirmed as held"
    DECISION_RECORD_SENT = "decision_record_sent", \
        "The report and decision record are sent to the partners to sign"
    PARTNERS_SIGNED = "partners_signed", "All three safeguarding partners sign"
    REPORT_ENDORSED = "report_endorsed", \
        "The executive or independent chair endorses the signed report"
    DELAY_NOTICE_SENT = "delay_notice_sent", "The Panel is told the rapid review will be late"
    RAPID_REVIEW_SUBMITTED = "rapid_review_submitted", "The rapid review is sent to the Panel"
    PANEL_RESPONSE_RECEIVED = "panel_response_received", "The Panel's response is recorded"
    FINAL_REPORT_SENT = "final_report_sent", \
        "The final LCSPR report is sent to the Panel, the Secretary of State and Ofsted"
    REVIEWER_NAME_SENT_TO_PANEL = "reviewer_name_sent_to_panel", \
        "The letter with the LCSPR reviewer's name is recorded as sent to the Panel"
    REVIEWER_NAME_SENT_TO_OFSTED = "reviewer_name_sent_to_ofsted", \
        "The letter with the LCSPR reviewer's name is recorded as sent to Ofsted"
    REVIEWER_NAME_SENT_TO_DFE = "reviewer_name_sent_to_dfe", \
        "The letter with the LCSPR reviewer's name is recorded as sent to DfE"
    CHECKPOINT_UPDATE_WRITTEN = "checkpoint_update_written", \
        "The reviewer's written update for an LCSPR checkpoint is saved"
    CHECKPOINT_REVIEWED = "checkpoint_reviewed", \
        "The partners' review at an LCSPR checkpoint is recorded"
    TIMETABLE_ITEM_DONE = "timetable_item_done", \
        "An LCSPR timetable item is recorded as held or done"
    ACTION_COMPLETED = "action_completed", \
        "The agency records its action complete with evidence, or not implemented with why"
    ACTION_UPDATE_GIVEN = "action_update_given", \
        "The agency writes its progress update on the action"
    MARKED_DONE = "marked_done", "The business unit marks it done"


# What only a running rapid review does (its letters among them): when the review stops or
# is complete, every step these meet closes, whatever it counts from (the West Midlands'
# "complete within 15 working days of becoming aware", say). A looked-after child's death
# notices are not among them: they are owed whatever happens to the review.
REVIEW_ACTIONS = frozenset({
    StepAction.PARTNER_LETTER_SENT, StepAction.REVIEW_GROUP_LETTER_SENT,
    StepAction.RAPID_REVIEW_LETTER_SENT, StepAction.MEETING_SCHEDULED,
    StepAction.TERMS_AGREED, StepAction.INFORMATION_REQUESTS_SENT,
    StepAction.RECEIPT_CONFIRMED, StepAction.RETURN_SUBMITTED, StepAction.RETURNS_COLLATED,
    StepAction.MEETING_HELD, StepAction.DECISION_RECORD_SENT, StepAction.PARTNERS_SIGNED,
    StepAction.REPORT_ENDORSED, StepAction.DELAY_NOTICE_SENT,
    StepAction.RAPID_REVIEW_SUBMITTED, StepAction.PANEL_RESPONSE_RECEIVED})


class CalendarKind(models.TextChoices):
    """Which days a step counts. Time limits set in law count England's bank holidays only:
    a partnership's own closures never move them, and lateness is judged on them."""

    STATUTORY = "statutory", "Statutory: England's bank holidays only"
    PARTNERSHIP = "partnership", "The partnership's calendar, with its closure days"


class TimelineTemplate(models.Model):
    """An ordered plan of steps. Built-in templates (no partnership) are copied, then edited."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="timeline_templates")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True,
                              help_text="The procedure the plan comes from")
    is_active = models.BooleanField(
        default=False, help_text="The plan this partnership uses for new deadlines")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="template_name_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(partnership__isnull=True),
                                    name="builtin_template_name_unique"),
            models.UniqueConstraint(fields=["partnership"], condition=Q(is_active=True),
                                    name="one_active_template_per_partnership"),
            models.CheckConstraint(condition=Q(partnership__isnull=False) | Q(is_active=False),
                                   name="builtin_templates_are_never_active"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.partnership_id is None


class TimelineStep(models.Model):
    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "Working days"
        HOURS = "hours", "Hours"
        CALENDAR_MONTHS = "calendar_months", "Calendar months"

    class Direction(models.TextChoices):
        AFTER = "after", "After"
        BEFORE = "before", "Before"

    template = models.ForeignKey(TimelineTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    anchor = models.CharField(max_length=40, choices=Anchor.choices)
    offset = models.PositiveIntegerField(help_text="How far from the anchor the step is due")
    calendar = models.CharField(max_length=12, choices=CalendarKind.choices,
                                default=CalendarKind.PARTNERSHIP)
    met_by = models.CharField(max_length=40, choices=StepAction.choices,
                              default=StepAction.MARKED_DONE)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.AFTER)
    window_start = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Earliest point, in the same unit (e.g. meeting from working day 7 to 13)")
    responsible_role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    responsible_is_agency = models.BooleanField(
        default=False, help_text="Due from the agency a request is addressed to")
    remind_days_before = models.JSONField(
        default=list, blank=True, help_text="Working days before the due date to remind")
    remind_on_day = models.BooleanField(default=True)
    remind_daily_when_overdue = models.BooleanField(default=True)
    escalate_after = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Working days overdue before the business manager is told")

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="step_key_unique"),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True) | Q(window_start__lte=models.F("offset")),
                name="step_window_starts_before_due"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_statutory(self) -> bool:
        return self.calendar == CalendarKind.STATUTORY


class AnchorEvent(models.Model):
    """When something a deadline counts from happened, for one case (and related object)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="anchor_events")
    kind = models.CharField(max_length=40, choices=Anchor.choices)
    related_key = models.CharField(max_length=80, blank=True,
                                   help_text="e.g. rapid_review.informationrequest:12")
    occurred_on = models.DateField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    responsible_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind", "related_key"],
                                               name="one_anchor_per_case_kind_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    MISSED = "missed", "Met late"
    WAIVED = "waived", "No longer applies"


class Deadline(models.Model):
    """One dated obligation on one case, computed from an anchor and a step, and stored."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    step = models.ForeignKey(TimelineStep, on_delete=models.PROTECT, related_name="deadlines")
    anchor_event = models.ForeignKey(AnchorEvent, on_delete=models.PROTECT,
                                     related_name="deadlines")
    related_key = models.CharField(max_length=80, blank=True)
    due_date = models.DateField()
    due_at = models.DateTimeField(null=True, blank=True, help_text="For steps counted in hours")
    window_start = models.DateField(null=True, blank=True)
    responsible_role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    responsible_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="deadlines")
    responsible_user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="deadlines")
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices,
                              default=DeadlineStatus.OPEN)
    met_at = models.DateTimeField(null=True, blank=True)
    waived_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "anchor_event"],
                                    name="one_deadline_per_step_and_anchor"),
            models.CheckConstraint(
                condition=~Q(status=DeadlineStatus.WAIVED) | ~Q(waived_reason=""),
                name="waived_deadline_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=[DeadlineStatus.OPEN, DeadlineStatus.WAIVED])
                | Q(met_at__isnull=False),
                name="met_deadline_has_time"),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="deadline_status_due"),
            models.Index(fields=["partnership", "status", "due_date"],
                         name="deadline_partnership_due"),
            models.Index(fields=["case", "status"], name="deadline_case_status"),
            # The deadlines page: a partnership's open deadlines in the page's order, read
            # a page at a time from the index instead of sorting them all (docs/performance.md).
            models.Index(fields=["partnership", "due_date", "due_at", "id"],
                         condition=Q(status="open"), name="deadline_open_in_order"),
            # Each case's next step (the business unit's home): its first open deadline.
            models.Index(fields=["case", "due_date", "id"], condition=Q(status="open"),
                         name="deadline_open_by_case"),
        ]

    def __str__(self) -> str:
        return f"{self.step.label} by {self.due_date}"


class Reminder(models.Model):
    """One reminder for one deadline on one day. The unique key makes sending idempotent."""

    class Kind(models.TextChoices):
        BEFORE = "before", "Due soon"
        ON_DAY = "on_day", "Due today"
        OVERDUE = "overdue", "Overdue"
        ESCALATION = "escalation", "Escalated to the business manager"

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    for_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True, help_text="User ids emailed")

    class Meta:
        ordering = ["-for_date", "id"]
        constraints = [models.UniqueConstraint(fields=["deadline", "kind", "for_date"],
                                               name="one_reminder_per_deadline_kind_day")]
        indexes = [
            # The sweep pages through the unsent reminders by id: sent ones, nearly all of
            # them in time, are not in it, so each batch costs the same however many are left.
            models.Index(fields=["id"], name="reminder_unsent_id",
                         condition=Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.for_date}"


class SweepRun(models.Model):
    """A daily sweep that has run for a day. A worker or beat that starts after the
    sweep's time, or the hourly sweep, runs it when no row says it ran today; the unique key
    keeps two that race to one row (what they plan is idempotent anyway)."""

    class Kind(models.TextChoices):
        REMINDER_PLAN = "reminder_plan", "Daily reminder planning"
        RETENTION_REVIEW = "retention_review", "Nightly retention review (records app)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    finished_at = models.DateTimeField()
    planned = models.PositiveIntegerField(default=0)  # reminders planned, or cases flagged

    class Meta:
        ordering = ["-date", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "date"],
                                               name="one_sweep_run_per_kind_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class DeadlineRecompute(models.Model):
    """A partnership's open deadlines are to be recomputed (its calendar or a step changed).

    Written in the change's transaction, so a recompute the broker never took, or lost, is
    still found by the sweep; the run that does it deletes it. One per partnership: a
    change made before the run adds its steps to the row."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE,
                                       related_name="+")
    step_ids = models.JSONField(null=True, blank=True,
                                help_text="The steps whose deadlines move; empty for all")
    requested_at = models.DateTimeField()
    queued_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When its task was last queued; empty while the broker could not take it")

    def __str__(self) -> str:
        return f"Recompute for partnership {self.partnership_id}"

    @property
    def waiting(self) -> bool:
        return self.queued_at is None
