"""Information requests to agencies (seed 003 SCSI-5/SCSI-6, seed 004 §4.3): sending them,
confirming receipt by the follow-up call, and the emails that tell agencies."""

from __future__ import annotations

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
from calendars.services import anchor_record, deadline_meet, on_deadlines_moved
from cases.documents import document_generate
from cases.models import CaseDocument
from cases.services import CaseError
from outbox.services import message_queue

from ..documents.requests import request_pack_content
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
    already = set(review.information_requests.values_list("agency_id", flat=True))
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
    today = timezone.localdate(now)
    sent = []
    for agency, reason in chosen:
        request = InformationRequest.objects.create(
            review=review, agency=agency, reason=reason, sent_at=now, sent_by=actor,
            form_token=form_token,
            **request_contact_defaults(agency, case.partnership_id))
        AgencyReturn.objects.create(request=request)
        event = anchor_record(actor=actor, case=case, kind=Anchor.INFORMATION_REQUEST_SENT,
                              occurred_on=today, occurred_at=now,
                              related_key=request.deadline_key, responsible_agency=agency)
        request.return_deadline = (Deadline.objects.filter(
            anchor_event=event, step__met_by=StepAction.RETURN_SUBMITTED).first())
        if request.return_deadline is None:
            raise CaseError(NO_RETURN_STEP)
        request.save(update_fields=["return_deadline"])
        document_generate(actor=actor, case=case, kind=CaseDocument.Kind.INFORMATION_REQUEST,
                          content=request_pack_content(request),
                          related_key=request.deadline_key, agency=agency)
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=request,
                     partnership=case.partnership,
                     detail={"case": case.pk, "agency": agency.pk, "reason": reason,
                             "due_on": request.due_on.isoformat()})
        sent.append(request)
    deadline_meet(actor=actor, case=case, action=StepAction.INFORMATION_REQUESTS_SENT,
                  met_at=now)
    terms_document_refresh(actor=actor, review=review)  # its contributors and return date
    for request in sent:
        email_information_request(request)
    return sent


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
    body = (f"{case.partnership.name} asks {request.agency.name} for information for a "
            f"rapid review.\n\nCase: {case.reference}\n"
            f"Return by: {request.due_on:%d %B %Y}\n\n"
            "Please secure your agency's records for this case now, and complete the return "
            f"online (or make a nil return): {_link('rapid_review:return', request.pk)}\n")
    return message_queue(to=_request_recipients(request),
                         subject=f"Information request for rapid review {case.reference}",
                         body=body, kind="information_request",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"request": request.pk})


@on_deadlines_moved(StepAction.RETURN_SUBMITTED)
def return_dates_moved(deadlines: list[Deadline]) -> None:
    """A closure or a correction moved agencies' return dates: each request's pack is made
    again with the new date (a new version), and the agency is told the date changed."""
    requests = InformationRequest.objects.filter(
        return_deadline__in=deadlines).select_related(
        "review__case__partnership", "review__notification", "agency", "return_deadline")
    for review in {request.review for request in requests}:
        terms_document_refresh(actor=None, review=review)  # the terms give the requests' date
    for request in requests:
        if request.agency_return.status == AgencyReturn.Status.SUBMITTED:
            continue
        document_generate(actor=None, case=request.review.case,
                          kind=CaseDocument.Kind.INFORMATION_REQUEST,
                          content=request_pack_content(request),
                          related_key=request.deadline_key, agency=request.agency)
        audit_record(action=AuditEvent.Action.UPDATE, actor=None, obj=request,
                     partnership=request.review.case.partnership,
                     detail={"case": request.review.case_id,
                             "due_on": request.due_on.isoformat(), "moved": True})
        email_return_date_changed(request)


def email_return_date_changed(request: InformationRequest) -> int:
    """The agency hears its return date moved: reference, new date and link only."""
    case = request.review.case
    body = (f"The date {request.agency.name} is asked to return its information for rapid "
            f"review {case.reference} has changed.\n\n"
            f"Return by: {request.due_on:%d %B %Y}\n\n"
            f"The request has been updated with the new date: "
            f"{_link('rapid_review:return', request.pk)}\n")
    return message_queue(to=_request_recipients(request),
                         subject=f"New return date for rapid review {case.reference}",
                         body=body, kind="return_date_changed",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"request": request.pk})
