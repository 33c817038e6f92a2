"""Information requests to agencies (seed 003 SCSI-5/SCSI-6, seed 004 §4.3): sending them,
confirming receipt by the follow-up call, and the emails that tell agencies."""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, Membership, Role, User
from calendars.models import Anchor, Deadline, StepAction
from calendars.services import anchor_record, deadline_meet, deadline_move, on_deadlines_moved
from cases.documents import document_generate
from cases.models import CaseDocument, Stage
from cases.services import CaseError
from outbox.services import message_queue

from ..documents.requests import further_request_pack_content, request_pack_content
from ..models import AgencyReturn, InformationRequest, RapidReview
from ..selectors.requests import agency_contact
from .terms import terms_document_refresh

NO_RETURN_STEP = ("The partnership's plan has no step for agencies' returns, so the requests "
                  "would have no return date. Ask an administrator to add one to the plan "
                  "(counted from the information request being sent)")


def _agency_users(partnership_id: int, agency_id: int) -> list[User]:
    return [m.user for m in Membership.objects.filter(
        partnership_id=partnership_id, agency_id=agency_id, role=Role.AGENCY_USER,
        user__is_active=True).select_related("user").order_by("user__full_name", "user_id")]


def request_contact_defaults(agency: Agency, partnership_id: int) -> dict[str, str]:
    """Who the business unit calls and writes to: the agency's named contact, else its
    mailbox, else its first user (empty when nobody: the request says nobody was emailed)."""
    users = _agency_users(partnership_id, agency.pk)
    return agency_contact(agency, users[0] if users else None)


def requestable_agencies(review: RapidReview):
    """The partnership's directory plus the agencies in the case's professional network."""
    case = review.case
    return Agency.objects.filter(
        Q(partnerships=case.partnership_id) | Q(involvements__case=case)).distinct()


@transaction.atomic
def information_requests_send(*, actor: User, review: RapidReview,
                              agencies_with_reasons: Iterable[tuple[Agency, str]],
                              form_token=None) -> list[InformationRequest]:
    """One request per agency, due in 5 working days, each with its pack and its deadline.

    An agency already asked is refused (the database backs this with a unique constraint).
    The same form posted twice sends once: the second post gets the requests the first sent.
    """
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "notification").get(pk=review.pk)
    case = review.case
    if form_token is not None:
        earlier = list(review.information_requests.filter(form_token=form_token))
        if earlier:
            return earlier
    if review.stopped_on:
        raise CaseError("This rapid review has been stopped: no more requests can be sent")
    chosen = list(agencies_with_reasons)
    if not chosen:
        raise CaseError({"agencies": "Select the agencies to send information requests to"})
    allowed = set(requestable_agencies(review).values_list("pk", flat=True))
    already = set(review.information_requests.filter(
        requested_for=InformationRequest.For.RAPID_REVIEW).values_list("agency_id", flat=True))
    reasons = set(InformationRequest.Reason.values)
    for agency, reason in chosen:
        if agency.pk in already:
            raise CaseError({"agencies": f"{agency.name} has already been sent a request"})
        if agency.pk not in allowed:
            raise CaseError({"agencies": f"{agency.name} is not in the partnership's "
                                         "directory"})
        if reason not in reasons:
            raise CaseError({"agencies": f"Select why {agency.name} is being asked"})
    if len({a.pk for a, _ in chosen}) != len(chosen):
        raise CaseError({"agencies": "Select each agency once"})
    now = timezone.now()
    sent = [_request_open(actor, review, agency, now, form_token=form_token, reason=reason)
            for agency, reason in chosen]
    deadline_meet(actor=actor, case=case, action=StepAction.INFORMATION_REQUESTS_SENT,
                  met_at=now)
    terms_document_refresh(actor=actor, review=review)  # its contributors and return date
    for request in sent:
        email_information_request(request)
    return sent


def _request_open(actor: User, review: RapidReview, agency: Agency, now: datetime.datetime,
                  **values) -> InformationRequest:
    """One request with its empty return, its deadlines counted from its sending (the plan's
    return step), its pack and its audit event: the same for the rapid review and the LCSPR."""
    case = review.case
    request = InformationRequest.objects.create(
        review=review, agency=agency, sent_at=now, sent_by=actor,
        **request_contact_defaults(agency, case.partnership_id), **values)
    AgencyReturn.objects.create(request=request)
    event = anchor_record(actor=actor, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                          occurred_on=timezone.localdate(now), occurred_at=now,
                          related_key=request.deadline_key, responsible_agency=agency)
    request.return_deadline = (Deadline.objects.filter(
        anchor_event=event, step__met_by=StepAction.RETURN_SUBMITTED).first())
    if request.return_deadline is None:
        raise CaseError(NO_RETURN_STEP)
    request.save(update_fields=["return_deadline"])
    if request.return_by is not None:
        _keep_set_date(actor, request, "The date set for the further information")
    _pack_generate(actor, request)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=request,
                 partnership=case.partnership,
                 detail={"case": case.pk, "agency": agency.pk, "reason": request.reason,
                         "for": request.requested_for, "due_on": request.due_on.isoformat()})
    return request


_KEEPING_SET_DATES = contextvars.ContextVar("keeping_set_return_dates", default=False)


def _keep_set_date(actor: User | None, request: InformationRequest, reason: str) -> None:
    """Move the return deadline to the date the business unit set (the working day before
    it when the partnership is closed that day), without hearing the move as a change."""
    token = _KEEPING_SET_DATES.set(True)
    try:
        request.return_deadline = deadline_move(actor=actor, deadline=request.return_deadline,
                                                due_date=request.return_by, reason=reason)
    finally:
        _KEEPING_SET_DATES.reset(token)


def _pack_generate(actor: User | None, request: InformationRequest):
    content = (further_request_pack_content(request) if request.is_further
               else request_pack_content(request))
    return document_generate(actor=actor, case=request.review.case,
                             kind=CaseDocument.Kind.INFORMATION_REQUEST, content=content,
                             related_key=request.deadline_key, agency=request.agency)


FURTHER_QUESTIONS_MAX = 10_000


@transaction.atomic
def further_information_request_send(*, actor: User, review: RapidReview, agency: Agency,
                                     questions: str, return_by: datetime.date | None,
                                     form_token=None) -> InformationRequest:
    """During the LCSPR the reviewer needs more from an agency (seed 002 chapter 3): the
    business unit asks it the reviewer's questions, to answer by a date it sets (the
    working day before, if the partnership is closed that day). The agency answers through
    the same return and chronology as the rapid review's, and its entries join the master
    chronology. The same form posted twice sends once."""
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "notification").get(pk=review.pk)
    if form_token is not None:
        earlier = review.information_requests.filter(form_token=form_token).first()
        if earlier is not None:
            return earlier
    if review.case.stage != Stage.LCSPR:
        raise CaseError("Further information can only be asked for while the case is at its "
                        "LCSPR")
    questions = (questions or "").strip()
    today = timezone.localdate()
    errors = {}
    if agency is None:
        errors["agency"] = "Select the agency to ask"
    elif not requestable_agencies(review).filter(pk=agency.pk).exists():
        errors["agency"] = f"{agency.name} is not in the partnership's directory"
    if not questions:
        errors["questions"] = "Enter what the reviewer wants the agency to tell them"
    elif len(questions) > FURTHER_QUESTIONS_MAX:
        errors["questions"] = f"The questions must be {FURTHER_QUESTIONS_MAX:,} characters " \
                              f"or fewer"
    if return_by is None:
        errors["return_by"] = "Enter the date the agency must answer by"
    elif return_by <= today:
        errors["return_by"] = "The date the agency must answer by must be in the future"
    if errors:
        raise CaseError(errors)
    request = _request_open(actor, review, agency, timezone.now(), form_token=form_token,
                            reason=InformationRequest.Reason.OTHER,
                            requested_for=InformationRequest.For.LCSPR, questions=questions,
                            return_by=return_by)
    email_information_request(request)
    return request


@transaction.atomic
def information_request_confirm_receipt(*, actor: User, request: InformationRequest,
                                        confirmed_on: datetime.date,
                                        note: str = "") -> InformationRequest:
    """The follow-up call (seed 003): the agency confirmed it has the request."""
    request = InformationRequest.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=request.pk)
    today = timezone.localdate()
    if confirmed_on > today:
        raise CaseError({"confirmed_on": "The date receipt was confirmed must be today or in "
                                         "the past"})
    if confirmed_on < timezone.localdate(request.sent_at):
        raise CaseError({"confirmed_on": "The date receipt was confirmed must be on or after "
                                         "the date the request was sent"})
    request.receipt_confirmed_at = (timezone.now() if confirmed_on == today else
                                    timezone.make_aware(datetime.datetime.combine(
                                        confirmed_on, datetime.time(12, 0))))
    request.receipt_confirmed_by = actor
    request.receipt_note = note.strip()
    request.save(update_fields=["receipt_confirmed_at", "receipt_confirmed_by",
                                "receipt_note"])
    deadline_meet(actor=actor, case=request.review.case, action=StepAction.RECEIPT_CONFIRMED,
                  related_key=request.deadline_key, met_at=request.receipt_confirmed_at)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=request,
                 partnership=request.review.case.partnership,
                 detail={"receipt_confirmed_on": confirmed_on.isoformat()})
    return request


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _request_recipients(request: InformationRequest) -> list[str]:
    """The agency's users, its safeguarding mailbox and the request's contact."""
    partnership_id = request.review.case.partnership_id
    return sorted({u.email for u in _agency_users(partnership_id, request.agency_id)}
                  | ({request.agency.email} if request.agency.email else set())
                  | ({request.contact_email} if request.contact_email else set()))


def email_information_request(request: InformationRequest) -> int:
    """To the agency's users and its safeguarding mailbox: reference, date and link only,
    queued with the request."""
    case = request.review.case
    what = ("further information for a local child safeguarding practice review"
            if request.is_further else "information for a rapid review")
    body = (f"{case.partnership.name} asks {request.agency.name} for {what}.\n\n"
            f"Case: {case.reference}\n"
            f"Return by: {request.due_on:%d %B %Y}\n\n"
            "Please secure your agency's records for this case now, and complete the return "
            f"online (or make a nil return): {_link('rapid_review:return', request.pk)}\n")
    return message_queue(to=_request_recipients(request),
                         subject=f"Information request for {request.review_name} "
                                 f"{case.reference}",
                         body=body, kind="information_request",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"request": request.pk})


@on_deadlines_moved(StepAction.RETURN_SUBMITTED)
def return_dates_moved(deadlines: list[Deadline]) -> None:
    """A closure or a correction moved agencies' return dates: each request's pack is made
    again with the new date (a new version), and the agency is told the date changed. A
    further information request keeps the date the business unit set."""
    if _KEEPING_SET_DATES.get():  # a set date being kept, heard again
        return
    requests = list(InformationRequest.objects.filter(
        return_deadline__in=deadlines).select_related(
        "review__case__partnership", "review__notification", "agency", "return_deadline"))
    changed = []
    for request in requests:
        if request.is_further and request.return_by is not None:
            _keep_set_date(None, request, "The date set for the further information stands")
            if request.due_on == request.return_by:
                continue  # the date the agency was given stands
            # The partnership closed that day: the working day before is the new date.
            request.return_by = request.due_on
            request.save(update_fields=["return_by"])
        changed.append(request)
    requests = changed
    for review in {request.review for request in requests if not request.is_further}:
        terms_document_refresh(actor=None, review=review)  # the terms give the requests' date
    for request in requests:
        if request.agency_return.status == AgencyReturn.Status.SUBMITTED:
            continue
        _pack_generate(None, request)
        audit_record(action=AuditEvent.Action.UPDATE, actor=None, obj=request,
                     partnership=request.review.case.partnership,
                     detail={"case": request.review.case_id,
                             "due_on": request.due_on.isoformat(), "moved": True})
        email_return_date_changed(request)


def email_return_date_changed(request: InformationRequest) -> int:
    """The agency hears its return date moved: reference, new date and link only."""
    case = request.review.case
    body = (f"The date {request.agency.name} is asked to return its information for "
            f"{request.review_name} {case.reference} has changed.\n\n"
            f"Return by: {request.due_on:%d %B %Y}\n\n"
            f"The request has been updated with the new date: "
            f"{_link('rapid_review:return', request.pk)}\n")
    return message_queue(to=_request_recipients(request),
                         subject=f"New return date for {request.review_name} "
                                 f"{case.reference}",
                         body=body, kind="return_date_changed",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"request": request.pk})
