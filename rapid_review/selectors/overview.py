"""The rapid review overview's task list: each part of the review with its status (not
started, in progress, waiting for others, completed, overdue) and, for users who may open
it, a link to the page where it is done.

The statuses come from the records (what has been sent, returned, held, signed) and from
the case's deadlines (``calendars.Deadline``): a met step is completed and shows when it
was met, never overdue; an open step past its date is overdue while the review runs. Two
queries whatever the size of the review: one annotated read of the review and one of its
deadlines.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import Enum

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.models import StatutoryPartner, User
from calendars.models import Deadline, DeadlineStatus, StepAction
from cases.models import CaseDocument, DocumentDispatch
from notifications.documents import LETTER_KINDS

from ..models import (
    AgencyReturn,
    DelayNotice,
    InformationRequest,
    MeetingAttendee,
    PanelResponse,
    PanelSubmission,
    PartnerSignature,
    RapidReview,
    ReportEndorsement,
    ReportVersion,
    ReviewMeeting,
    ReviewReport,
    TermsAgreement,
    TermsOfReference,
)
from .meetings import PARTNER_ROLES

PARTNERS = len(StatutoryPartner.values)


class TaskStatus(Enum):
    """The GOV.UK task list's statuses: a tag, or plain text when completed."""

    NOT_STARTED = ("Not started", "govuk-tag govuk-tag--blue")
    IN_PROGRESS = ("In progress", "govuk-tag govuk-tag--light-blue")
    WAITING = ("Waiting for others", "govuk-tag govuk-tag--yellow")
    OVERDUE = ("Overdue", "govuk-tag govuk-tag--red")
    COMPLETED = ("Completed", "")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def css(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class ReviewTask:
    key: str
    name: str
    status: TaskStatus
    hint: str = ""
    url: str = ""


def _count(queryset, outer: str, *, distinct: str = "pk") -> Coalesce:
    """A correlated count (a subquery, so the counts never multiply each other)."""
    return Coalesce(Subquery(
        queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
        .annotate(n=Count(distinct, distinct=True)).values("n")[:1],
        output_field=IntegerField()), 0)


def _review_facts(review: RapidReview, partner: str) -> RapidReview:
    """The review with every count the task list needs, in one query."""
    live = ReportVersion.objects.filter(report__review=OuterRef("pk"), voided_at__isnull=True)
    live_signatures = PartnerSignature.objects.filter(version__voided_at__isnull=True)
    quorate = ReviewMeeting.objects.filter(attendance_confirmed_at__isnull=False)
    for role in PARTNER_ROLES.values():
        quorate = quorate.filter(Exists(MeetingAttendee.objects.filter(
            meeting=OuterRef("pk"), role=role)))
    current_agreements = TermsAgreement.objects.filter(version=F("terms__version"))
    return RapidReview.objects.filter(pk=review.pk).annotate(
        letters_sent=Coalesce(Subquery(
            DocumentDispatch.objects.filter(document__case=OuterRef("case_id"),
                                            document__kind__in=LETTER_KINDS)
            .order_by().values("document__case")
            .annotate(n=Count("document__kind", distinct=True)).values("n")[:1],
            output_field=IntegerField()), 0),
        terms_version=Subquery(TermsOfReference.objects.filter(review=OuterRef("pk"))
                               .values("version")[:1]),
        terms_agreed=_count(current_agreements, "terms__review", distinct="partner"),
        my_terms_agreed=Exists(current_agreements.filter(terms__review=OuterRef("pk"),
                                                         partner=partner)),
        requests_sent=_count(InformationRequest.objects.filter(
            requested_for=InformationRequest.For.RAPID_REVIEW), "review"),
        returns_in=_count(AgencyReturn.objects.filter(
            status=AgencyReturn.Status.SUBMITTED,
            request__requested_for=InformationRequest.For.RAPID_REVIEW),
                          "request__review"),
        collated=Exists(CaseDocument.objects.filter(
            case=OuterRef("case_id"), kind=CaseDocument.Kind.COLLATED_RETURNS)),
        meetings_scheduled=_count(ReviewMeeting.objects.all(), "review"),
        meetings_held=_count(ReviewMeeting.objects.filter(
            attendance_confirmed_at__isnull=False), "review"),
        meetings_quorate=_count(quorate, "review"),
        report_started=Exists(ReviewReport.objects.filter(review=OuterRef("pk"))),
        decided=Exists(ReviewReport.objects.filter(review=OuterRef("pk")).exclude(decision="")),
        live_version=Subquery(live.order_by("-number").values("number")[:1]),
        live_signed=_count(live_signatures.filter(outcome=PartnerSignature.Outcome.SIGNED),
                           "version__report__review", distinct="partner"),
        my_signed=Exists(live_signatures.filter(
            version__report__review=OuterRef("pk"), partner=partner,
            outcome=PartnerSignature.Outcome.SIGNED)),
        disagreements_open=_count(PartnerSignature.objects.filter(
            outcome=PartnerSignature.Outcome.DISAGREED, resolved_at__isnull=True),
            "version__report__review"),
        endorsed=Exists(ReportEndorsement.objects.filter(
            version__report__review=OuterRef("pk"), version__voided_at__isnull=True)),
        submitted_on=Subquery(PanelSubmission.objects.filter(review=OuterRef("pk"))
                              .values("submitted_on")[:1]),
        delays_told=_count(DelayNotice.objects.all(), "review"),
        responses=_count(PanelResponse.objects.all(), "review"),
    ).select_related("case__partnership").get()


@dataclass(frozen=True)
class _Steps:
    """The case's deadlines for one task's steps (waived ones left out)."""

    deadlines: list[dict]
    today: datetime.date

    @property
    def all_met(self) -> bool:
        return bool(self.deadlines) and all(
            d["status"] in (DeadlineStatus.MET, DeadlineStatus.MISSED) for d in self.deadlines)

    @property
    def overdue(self) -> bool:
        return any(d["status"] == DeadlineStatus.OPEN and d["due_date"] < self.today
                   for d in self.deadlines)

    @property
    def next_due(self) -> datetime.date | None:
        return min((d["due_date"] for d in self.deadlines if d["status"] == DeadlineStatus.OPEN),
                   default=None)

    @property
    def met_on(self) -> datetime.date | None:
        met = [d["met_at"] for d in self.deadlines if d["met_at"] and d["status"] in (
            DeadlineStatus.MET, DeadlineStatus.MISSED)]
        return timezone.localdate(max(met)) if met else None


def _day(date: datetime.date) -> str:
    return f"{date:%-d %B %Y}"


def _status(steps: _Steps, *, done: bool, waiting: bool, started: bool, running: bool
            ) -> TaskStatus:
    """Completed first (a met step is never overdue); overdue only while the review runs."""
    if done or steps.all_met:
        return TaskStatus.COMPLETED
    if running and steps.overdue:
        return TaskStatus.OVERDUE
    if waiting:
        return TaskStatus.WAITING
    if started:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def _hint(status: TaskStatus, steps: _Steps, said: str = "") -> str:
    """What the record says, then when the step was met or is due."""
    when = ""
    if status is TaskStatus.COMPLETED and steps.met_on:
        when = f"Done on {_day(steps.met_on)}"
    elif status is not TaskStatus.COMPLETED and steps.next_due:
        when = f"Due by {_day(steps.next_due)}"
    return ". ".join(part for part in (said, when) if part)


# Each task: its key, its name (the link text), the steps of the plan it meets, and the
# page where it is done with who may open it.
TASKS = [
    ("letters", "Letters to the partners and the review group (SCSI-2, SCSI-3, SCSI-4)",
     {StepAction.PARTNER_LETTER_SENT, StepAction.REVIEW_GROUP_LETTER_SENT,
      StepAction.RAPID_REVIEW_LETTER_SENT}, "notifications:letters", "letters"),
    ("terms", "Terms of reference", {StepAction.TERMS_AGREED}, "rapid_review:terms", "papers"),
    ("requests", "Information requests and agency returns",
     {StepAction.INFORMATION_REQUESTS_SENT, StepAction.RECEIPT_CONFIRMED,
      StepAction.RETURN_SUBMITTED}, "rapid_review:requests", "case"),
    ("chronology", "Master chronology", set(), "rapid_review:master-chronology", "papers"),
    ("collated", "Collated returns for the review group (SCSI-7)",
     {StepAction.RETURNS_COLLATED}, "rapid_review:collated-returns", "papers"),
    ("meeting", "Rapid review meeting", {StepAction.MEETING_SCHEDULED, StepAction.MEETING_HELD},
     "rapid_review:meetings", "papers"),
    ("report", "Rapid review report and decision", set(), "rapid_review:report", "papers"),
    ("signoff", "Sign-off by the three safeguarding partners",
     {StepAction.DECISION_RECORD_SENT, StepAction.PARTNERS_SIGNED, StepAction.REPORT_ENDORSED},
     "rapid_review:signoff", "papers"),
    ("submission", "Submission to the National Panel",
     {StepAction.RAPID_REVIEW_SUBMITTED, StepAction.DELAY_NOTICE_SENT},
     "rapid_review:submission", "papers"),
    ("response", "The Panel's response", {StepAction.PANEL_RESPONSE_RECEIVED},
     "rapid_review:submission", "papers"),
]


def _may_open(user: User, review: RapidReview, who: str) -> bool:
    case = review.case
    if who == "letters":
        return rules.can_send_letters(user, case)
    if who == "case":
        return rules.can_view_case(user, case)
    return rules.can_read_review_papers(user, case)


def _record(key: str, r: RapidReview, partner: str, endorser: str
            ) -> tuple[bool, bool, bool, str]:
    """(done, waiting for others, started, what the record says) for one task."""
    if key == "letters":
        return (r.letters_sent >= len(LETTER_KINDS), False, r.letters_sent > 0,
                f"{r.letters_sent} of {len(LETTER_KINDS)} sent" if r.letters_sent else "")
    if key == "terms":
        said = ""
        if r.terms_version and partner and not r.my_terms_agreed:
            said = "Waiting for your agreement"
        elif r.terms_version:
            said = f"Version {r.terms_version} agreed by {r.terms_agreed} of {PARTNERS} partners"
        return (bool(r.terms_version) and r.terms_agreed >= PARTNERS,
                bool(r.terms_version), bool(r.terms_version), said)
    if key in ("requests", "chronology"):
        all_in = r.requests_sent > 0 and r.returns_in >= r.requests_sent
        said = f"{r.returns_in} of {r.requests_sent} returns in" if r.requests_sent else ""
        if key == "requests":
            return all_in, r.requests_sent > 0, r.requests_sent > 0, said
        return all_in, False, r.returns_in > 0, said
    if key == "collated":
        return r.collated, False, False, ""
    if key == "meeting":
        said = ""
        if r.meetings_held and not r.meetings_quorate:
            said = "Held without quorum: no decision can be recorded at it"
        return r.meetings_quorate > 0, False, r.meetings_scheduled > 0, said
    if key == "report":
        return r.decided, False, r.report_started, "Decision recorded" if r.decided else ""
    if key == "signoff":
        if r.live_version is None:
            return False, False, False, ""
        signed = r.live_signed >= PARTNERS
        done = signed and (not endorser or bool(r.endorsed))
        if partner and not r.my_signed:
            said = f"Version {r.live_version} is waiting for your signature"
        elif r.disagreements_open:
            said = "A partner's disagreement needs resolving"
        elif signed and not done:
            said = f"Signed by the three partners, waiting for the {endorser.lower()}"
        else:
            said = f"Version {r.live_version} signed by {r.live_signed} of {PARTNERS} partners"
        return done, not done and not r.disagreements_open, True, said
    if key == "submission":
        said = f"Sent on {_day(r.submitted_on)}" if r.submitted_on else (
            "The Panel has been told it will be late" if r.delays_told else "")
        return r.submitted_on is not None, False, r.delays_told > 0, said
    if key == "response":
        return r.responses > 0, r.submitted_on is not None and not r.responses, False, ""
    raise ValueError(key)


def review_tasks(user: User, review: RapidReview, today: datetime.date | None = None
                 ) -> list[ReviewTask]:
    """The review's tasks in order, each with its status and, for a user who may open it,
    a link to the page where it is done. Two queries."""
    today = today or timezone.localdate()
    partner = rules.partner_represented_by(user, review.case.partnership)
    facts = _review_facts(review, partner)
    deadlines = list(Deadline.objects.filter(case=review.case_id)
                     .exclude(status=DeadlineStatus.WAIVED)
                     .values("step__met_by", "status", "due_date", "met_at"))
    running = review.stopped_on is None and facts.submitted_on is None
    partnership = facts.case.partnership
    endorser = (partnership.get_rapid_review_endorsement_display()
                if partnership.rapid_review_endorsement else "")
    tasks = []
    for key, name, actions, url_name, who in TASKS:
        steps = _Steps([d for d in deadlines if d["step__met_by"] in actions], today)
        done, waiting, started, said = _record(key, facts, partner, endorser)
        # The Panel's response runs after the submission: overdue is its own clock.
        runs = running or (key == "response" and review.stopped_on is None)
        status = _status(steps, done=done, waiting=waiting, started=started, running=runs)
        url = reverse(url_name, args=[review.case.reference]) \
            if _may_open(user, review, who) else ""
        tasks.append(ReviewTask(key, name, status, _hint(status, steps, said), url))
    return tasks
