"""Reading LCSPRs, scoped to the user: out of scope is 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from accounts import rules
from accounts.rules import require
from calendars.models import Deadline, DeadlineStatus
from cases.models import Case, CaseDocument
from cases.selectors import cases_visible_to
from rapid_review.models import AgencyReturn, InformationRequest, RapidReview
from rapid_review.selectors import review_requests

from .models import (
    LETTER_STEPS,
    OFFERS,
    Checkpoint,
    FamilyMember,
    Lcspr,
    NationalReferral,
    ParallelProcess,
    PractitionerInvolvement,
    TargetRevision,
    TimetableItem,
)

# The timetable page lists this many items (a review has a few dozen), and says if there
# are more.
TIMETABLE_ROWS = 100


def lcspr_for(user, reference: str) -> tuple[Case, Lcspr | None]:
    """The case and its LCSPR or learning review (None while not yet commissioned), for its
    readers and its appointed reviewer; 404 otherwise."""
    lcspr = (Lcspr.objects.select_related("case__partnership", "reviewer", "updated_by",
                                          "leading_agency")
             .filter(case__reference=reference).first())
    if lcspr is not None:
        require(rules.can_view_lcspr(user, lcspr))
        return lcspr.case, lcspr
    case = (cases_visible_to(user).select_related("partnership")
            .filter(reference=reference, stage__in=rules.LOCAL_REVIEW_STAGES).first())
    require(case is not None)
    return case, None


def lcspr_to_manage(user, reference: str) -> Lcspr:
    """An opened LCSPR the business unit works on (the case at its LCSPR)."""
    case, lcspr = lcspr_for(user, reference)
    require(lcspr is not None and rules.can_manage_lcspr(user, case))
    return lcspr


def lcspr_running(user, reference: str) -> Lcspr:
    """A commissioned LCSPR, for its readers and its appointed reviewer; 404 otherwise."""
    _case, lcspr = lcspr_for(user, reference)
    require(lcspr is not None and lcspr.decided_on is not None)
    return lcspr


def lcspr_running_to_manage(user, reference: str) -> Lcspr:
    """A commissioned LCSPR the business unit runs."""
    lcspr = lcspr_to_manage(user, reference)
    require(lcspr.decided_on is not None)
    return lcspr


def timetable_items(lcspr: Lcspr) -> tuple[list[TimetableItem], int]:
    """The review's timetable, in date order, with each item's deadline; and how many in
    all."""
    qs = lcspr.timetable.select_related("deadline")
    rows = list(qs[:TIMETABLE_ROWS + 1])
    if len(rows) <= TIMETABLE_ROWS:
        return rows, len(rows)
    return rows[:TIMETABLE_ROWS], qs.count()


def timetable_item_for(lcspr: Lcspr, pk: int) -> TimetableItem:
    """One item of the review's timetable; 404 if it belongs to another review."""
    item = (TimetableItem.objects.select_related("deadline", "created_by", "updated_by")
            .filter(pk=pk, lcspr=lcspr).first())
    require(item is not None)
    item.lcspr = lcspr
    return item


def reviewer_letters_due(lcspr: Lcspr) -> list[tuple[str, Deadline]]:
    """Who has not yet been sent the reviewer's name, and by when it is due."""
    recipients = {action: recipient.label for recipient, action in LETTER_STEPS.items()}
    deadlines = (Deadline.objects.select_related("step")
                 .filter(case_id=lcspr.case_id, step__met_by__in=list(recipients),
                         status=DeadlineStatus.OPEN).order_by("due_date", "step__position"))
    return [(recipients[d.step.met_by], d) for d in deadlines]


def running_summary(lcspr: Lcspr, today: datetime.date) -> dict[str, bool]:
    """What the overview's "Running the review" tasks need, in one query."""
    def any_of(model, *conditions, **filters):
        return Exists(model.objects.filter(*conditions, lcspr=OuterRef("pk"), **filters))
    offer_missing = Q()
    for field, _label in OFFERS:
        offer_missing |= Q(**{f"{field}__isnull": True})
    return Lcspr.objects.filter(pk=lcspr.pk).values().annotate(
        processes=any_of(ParallelProcess),
        open_processes=any_of(ParallelProcess, ~Q(status=ParallelProcess.Status.CONCLUDED)),
        revised=any_of(TargetRevision),
        checkpoints=any_of(Checkpoint),
        overdue=any_of(Checkpoint, reviewed_on__isnull=True, due_on__lt=today),
        unmet=any_of(Checkpoint, reviewed_on__isnull=True),
        family=any_of(FamilyMember),
        family_open=any_of(FamilyMember, offer_missing, declined_on__isnull=True),
        practitioners=any_of(PractitionerInvolvement),
        further=Exists(_further(OuterRef("case_id"))),
        further_open=Exists(_further(OuterRef("case_id")).exclude(
            agency_return__status=AgencyReturn.Status.SUBMITTED)),
        referrals=any_of(NationalReferral),
        awaiting_panel=any_of(NationalReferral, reply_received_on__isnull=True),
        timetable=any_of(TimetableItem),
        timetable_open=any_of(TimetableItem, status=TimetableItem.Status.PLANNED),
        timetable_overdue=any_of(TimetableItem, status=TimetableItem.Status.PLANNED,
                                 deadline__due_date__lt=today),
    ).values("processes", "open_processes", "revised", "checkpoints", "overdue", "unmet",
             "family", "family_open", "practitioners", "further", "further_open",
             "referrals", "awaiting_panel", "timetable", "timetable_open",
             "timetable_overdue").get()


def _further(case_id):
    return InformationRequest.objects.filter(review__case_id=case_id,
                                             requested_for=InformationRequest.For.LCSPR)


FURTHER_SHOWN = 50


@dataclass
class AgencyInformation:
    """What the LCSPR has from agencies: the rapid review's requests and returns carried
    over (counts: their pages list them) and the further requests asked for the LCSPR."""

    review: RapidReview | None
    carried_over: int = 0
    carried_over_in: int = 0
    further: list[InformationRequest] | None = None
    further_total: int = 0


def agency_information(lcspr: Lcspr) -> AgencyInformation:
    """Three queries: the rapid review, its requests' counts, the latest further requests
    (at most ``FURTHER_SHOWN``; the total counted only when there are more)."""
    review = RapidReview.objects.filter(case_id=lcspr.case_id).first()
    if review is None:
        return AgencyInformation(None, further=[])
    counts = InformationRequest.objects.filter(
        review=review, requested_for=InformationRequest.For.RAPID_REVIEW).aggregate(
        sent=Count("pk"), returned=Count("pk", filter=Q(
            agency_return__status=AgencyReturn.Status.SUBMITTED)))
    further = review_requests(review, InformationRequest.For.LCSPR, limit=FURTHER_SHOWN)
    total = (len(further) if len(further) < FURTHER_SHOWN
             else _further(lcspr.case_id).count())
    return AgencyInformation(review, counts["sent"], counts["returned"], further, total)


def national_referrals(lcspr: Lcspr) -> list[NationalReferral]:
    """The LCSPR's referrals back to the Panel with their letters' latest versions (a
    handful at most over a review)."""
    referrals = list(lcspr.national_referrals.select_related("recorded_by",
                                                             "reply_recorded_by"))
    letters = {}
    for document in (CaseDocument.objects.filter(
            case_id=lcspr.case_id, kind=CaseDocument.Kind.LCSPR_NATIONAL_REFERRAL)
            .defer("docx", "pdf").order_by("related_key", "version")):
        letters[document.related_key] = document
    for referral in referrals:
        referral.letter = letters.get(referral.related_key)
    return referrals
