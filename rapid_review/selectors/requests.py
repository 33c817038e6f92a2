"""Reads for information requests and returns, already scoped to who is asking."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from accounts import rules
from accounts.models import Agency, Membership, Partnership, Role, User
from calendars.models import Deadline, StepAction
from calendars.services import calendar_for
from calendars.working_days import working_days_between
from cases.models import Case, CaseDocument, Stage
from config.pagination import page_of

from ..models import AgencyReturn, InformationRequest, RapidReview


@dataclass(frozen=True)
class ReturnState:
    label: str
    tag: str  # GOV.UK tag colour modifier
    late: bool = False

    @property
    def css(self) -> str:
        return f"govuk-tag govuk-tag--{self.tag}"


def return_state(request: InformationRequest, today: datetime.date | None = None
                 ) -> ReturnState:
    """One status for a request's return, the same on every page; late stays visible."""
    today = today or timezone.localdate()
    agency_return = request.agency_return
    if agency_return.status == AgencyReturn.Status.SUBMITTED:
        label = "Nil return" if agency_return.is_nil_return else "Returned"
        return ReturnState(label, "green", agency_return.submitted_late)
    if agency_return.status == AgencyReturn.Status.REOPENED:
        return ReturnState("Reopened", "yellow", agency_return.submitted_late)
    if request.due_on and today > request.due_on:
        return ReturnState("Overdue", "red", True)
    return ReturnState("Not returned yet", "grey")


def with_states(requests: list[InformationRequest]) -> list[InformationRequest]:
    today = timezone.localdate()
    for request in requests:
        request.state = return_state(request, today)
    return requests


def review_requests(review: RapidReview, requested_for: str = InformationRequest.For.RAPID_REVIEW,
                    limit: int | None = None) -> list[InformationRequest]:
    """The requests sent for one review (or, later, for its case's LCSPR), with their
    returns, in 1 query (the first ``limit``, newest first, for the LCSPR's)."""
    order = (("-sent_at", "-pk") if requested_for == InformationRequest.For.LCSPR
             else ("agency__name",))
    return with_states(list(
        InformationRequest.objects.filter(review=review, requested_for=requested_for)
        .select_related("agency", "agency_return", "receipt_confirmed_by", "return_deadline")
        .order_by(*order)[:limit]))


def agency_contact(agency: Agency, first_user: User | None) -> dict[str, str]:
    """The contact a request to the agency records: its named contact, else its mailbox,
    else its first user. No email address means nobody will be emailed."""
    return {"contact_name": agency.contact_name or (first_user.full_name if first_user else ""),
            "contact_email": (agency.contact_email or agency.email
                              or (first_user.email if first_user else "")),
            "contact_phone": agency.phone or (first_user.phone if first_user else "")}


def agency_contacts(agencies: list[Agency], partnership_id: int) -> list[Agency]:
    """Sets ``contact`` and ``nobody_to_email`` on each agency the business unit may ask,
    in one query, so the send page can warn before a request would reach nobody."""
    first_users: dict[int, User] = {}
    for membership in (Membership.objects.filter(
            partnership_id=partnership_id, agency__in=[a.pk for a in agencies],
            role=Role.AGENCY_USER, user__is_active=True)
            .select_related("user").order_by("user__full_name", "user_id")):
        first_users.setdefault(membership.agency_id, membership.user)
    for agency in agencies:
        agency.contact = agency_contact(agency, first_users.get(agency.pk))
        agency.nobody_to_email = not agency.contact["contact_email"]
    return agencies


@dataclass(frozen=True)
class SendingDue:
    due_date: datetime.date
    status: str  # open / met / missed / waived, or "" when the plan has no such step


def sending_due(review: RapidReview) -> SendingDue | None:
    """When the plan has the requests go out (None when it has no such step)."""
    deadline = (Deadline.objects.filter(case=review.case_id,
                                        step__met_by=StepAction.INFORMATION_REQUESTS_SENT)
                .only("due_date", "status").order_by("due_date").first())
    if deadline:
        return SendingDue(deadline.due_date, deadline.status)
    return None


def agency_requests(user: User, partnership: Partnership | None) -> QuerySet:
    """Only the requests to the user's own agencies, in the partnership they work in now."""
    if partnership is None:
        return InformationRequest.objects.none()
    return (InformationRequest.objects
            .filter(agency_id__in=rules.agency_ids_of(user, partnership),
                    review__case__partnership=partnership)
            .select_related("agency", "agency_return", "review__case", "return_deadline")
            .order_by("return_deadline__due_date", "review__case__reference", "agency__name"))


def agency_requests_page(user: User, partnership: Partnership | None,
                         number: int | str | None) -> Page:
    """One page of the requests to the user's agencies, with their states (2 queries)."""
    page = page_of(agency_requests(user, partnership), number)
    page.object_list = with_states(list(page.object_list))
    return page


def request_for_agency_user(user: User, pk: int) -> InformationRequest | None:
    """The request, if the user acts for the agency asked (else None: answered as 404)."""
    request = (InformationRequest.objects
               .select_related("review__case__partnership", "review__notification",
                               "agency", "agency_return", "return_deadline")
               .annotate(entries=Count("agency_return__chronology_entries"))
               .filter(pk=pk).first())
    if request is None or not rules.can_answer_information_request(user, request):
        return None
    return request


def request_pack(request: InformationRequest) -> CaseDocument | None:
    """The latest stored version of the pack sent to the agency."""
    return (CaseDocument.objects.filter(
        case=request.review.case_id, kind=CaseDocument.Kind.INFORMATION_REQUEST,
        related_key=request.deadline_key).defer("docx", "pdf").order_by("-version").first())


@dataclass
class ChaseRow:
    request: InformationRequest
    overdue_by: int  # working days; 0 when not yet due


def requests_sent_with(review: RapidReview, form_token) -> list[InformationRequest]:
    """The requests a send form sent when it was posted before (a double click, the back
    button), found by its token; none for a token never used."""
    try:
        token = uuid.UUID(str(form_token))
    except ValueError:
        return []
    return list(review.information_requests.filter(form_token=token))


def requests_to_chase(partnership: Partnership | None) -> QuerySet[InformationRequest]:
    """Requests not yet returned in the partnership's open rapid reviews, and further
    information asked for its LCSPRs, oldest due first."""
    return (InformationRequest.objects
            .filter(review__case__partnership=partnership, review__stopped_on__isnull=True)
            .filter(Q(review__case__stage=Stage.RAPID_REVIEW,
                      requested_for=InformationRequest.For.RAPID_REVIEW)
                    | Q(review__case__stage=Stage.LCSPR,
                        requested_for=InformationRequest.For.LCSPR))
            .filter(~Q(agency_return__status=AgencyReturn.Status.SUBMITTED))
            .select_related("agency", "agency_return", "review__case", "return_deadline")
            .order_by("return_deadline__due_date", "sent_at", "agency__name"))


def chase_list(user: User, partnership: Partnership | None,
               today: datetime.date | None = None, limit: int | None = None
               ) -> list[ChaseRow]:
    """Every request not yet returned (or the first ``limit``, each request's ``to_chase``
    then the number of them all), oldest due first: 2 queries whatever the number (the
    requests, and the calendar)."""
    if not rules.can_chase_returns(user, partnership):
        return []
    requests = requests_to_chase(partnership)
    if limit is not None:
        requests = requests.annotate(to_chase=Window(Count("pk")))[:limit]
    return _chase_rows(partnership, list(requests), today)


def chase_page(user: User, partnership: Partnership | None, number: int | str | None,
               today: datetime.date | None = None) -> Page:
    """One page of the chase list, its rows ``ChaseRow``s (3 queries: the count, the
    requests, the calendar)."""
    requests = (requests_to_chase(partnership) if rules.can_chase_returns(user, partnership)
                else InformationRequest.objects.none())
    page = page_of(requests, number)
    page.object_list = _chase_rows(partnership, list(page.object_list), today)
    return page


def _chase_rows(partnership: Partnership, requests: list[InformationRequest],
                today: datetime.date | None = None) -> list[ChaseRow]:
    """Each request with how many working days it is overdue by (1 query: the calendar)."""
    if not requests:
        return []
    today = today or timezone.localdate()
    calendar = calendar_for(partnership)
    rows = []
    for request in requests:
        due_on = request.due_on
        overdue = (working_days_between(due_on, today, calendar)
                   if due_on and today > due_on else 0)
        request.state = return_state(request, today)
        rows.append(ChaseRow(request, overdue))
    return rows


def case_by_information_request(kwargs: dict) -> QuerySet[Case]:
    """The case of the request a page's URL names, for the read audit: unscoped, as the
    view has already decided whether the person may see it."""
    return Case.objects.filter(rapid_review__information_requests=kwargs["pk"])
