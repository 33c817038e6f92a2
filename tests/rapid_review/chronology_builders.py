"""Test data for chronologies: requests and returns straight through the ORM (quick, and
independent of how requests are sent), entries in bulk. All names are fictional.

    review = review_for(partnership)                 # tests.rapid_review.builders
    scoped(review, "2025-01-01", "2026-10-31")
    req = request_to(review, agency, status="submitted")
    add_entries(req.agency_return, 3)
"""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from accounts.models import Agency, Role, User
from calendars.models import Anchor, StepAction
from calendars.services import anchor_record
from rapid_review.models import (
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    RapidReview,
    TermsOfReference,
)
from tests.factories import AgencyFactory, MembershipFactory
from tests.rapid_review.builders import agency_with_user, officer_of, review_for

d = datetime.date.fromisoformat


def scoped(review: RapidReview, start: str | None, end: str | None) -> TermsOfReference:
    terms, _ = TermsOfReference.objects.update_or_create(
        review=review, defaults={"scope_from": start and d(start), "scope_to": end and d(end),
                                 "updated_by": officer_of(review.case.partnership)})
    return terms


def request_to(review: RapidReview, agency: Agency, *, status: str = AgencyReturn.Status.DRAFT,
               nil: bool = False, late: bool = False, due_on: datetime.date | None = None,
               **return_fields) -> InformationRequest:
    """A request sent today (due in a week unless given) with its return in ``status``.

    Its return deadline is the plan's, made by the calendars app, then set to ``due_on``."""
    officer = officer_of(review.case.partnership)
    now = timezone.now()
    request = InformationRequest.objects.create(
        review=review, agency=agency, sent_at=now, sent_by=officer,
        contact_name="Contact Example", contact_email="contact@example.org")
    event = anchor_record(actor=None, case=review.case, kind=Anchor.INFORMATION_REQUEST_SENT,
                          occurred_on=timezone.localdate(now), occurred_at=now,
                          related_key=request.deadline_key, responsible_agency=agency)
    deadline = event.deadlines.get(step__met_by=StepAction.RETURN_SUBMITTED)
    deadline.due_date = due_on or timezone.localdate() + datetime.timedelta(days=7)
    deadline.save(update_fields=["due_date"])
    request.return_deadline = deadline
    request.save(update_fields=["return_deadline"])
    submitted = status == AgencyReturn.Status.SUBMITTED
    AgencyReturn.objects.create(
        request=request, status=status, is_nil_return=nil,
        nil_reason="No record of the family (fictional)" if nil else "",
        submitted_at=now if submitted else None, submitted_late=late,
        authorised_by="Pat Example-Lead" if submitted else "", **return_fields)
    return InformationRequest.objects.select_related("agency", "agency_return", "review__case",
                                                     "return_deadline").get(pk=request.pk)


def health_visiting_return(partnership, *, entries: int = 0
                           ) -> tuple[RapidReview, InformationRequest, User]:
    """A review scoped June 2025 to October 2026 with one open return, the health visiting
    agency's (with ``entries`` already), and its user: what the upload tests start from."""
    review = review_for(partnership)
    scoped(review, "2025-06-01", "2026-10-31")
    health = agency_with_user(partnership, "Health visiting (fictional)")
    request = request_to(review, health.agency)
    if entries:
        add_entries(request.agency_return, entries)
    return review, request, health.user


def agency_user_for(agency: Agency, partnership) -> User:
    membership = agency.memberships.filter(partnership=partnership,
                                           role=Role.AGENCY_USER).first()
    if membership:
        return membership.user
    return MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                             agency=agency).user


def add_entries(agency_return: AgencyReturn, count: int, *,
                start: datetime.date | None = None, step_days: int = 3,
                subjects: str = "Child A (fictional)", prefix: str = "Event"
                ) -> list[ChronologyEntry]:
    request = agency_return.request
    start = start or d("2025-01-06")
    first = (ChronologyEntry.objects.filter(agency_return=agency_return).count()) + 1
    return ChronologyEntry.objects.bulk_create([
        ChronologyEntry(
            agency_return=agency_return, review_id=request.review_id,
            agency_id=request.agency_id, position=first + i,
            date=start + datetime.timedelta(days=(i * step_days) % 600),
            source="Case notes", agency_department=f"{request.agency.name} team",
            subjects=subjects, contact_type="Home visit", by_whom="Practitioner",
            details=f"{prefix} {first + i}: fictional details", comments="Fictional comment")
        for i in range(count)], batch_size=1000)


def big_review(review: RapidReview, *, agencies: int = 15, entries: int = 2000
               ) -> list[InformationRequest]:
    """``entries`` spread over ``agencies`` submitted returns."""
    partnership = review.case.partnership
    requests = []
    per = entries // agencies
    for i in range(agencies):
        agency = AgencyFactory(partnerships=[partnership], name=f"Agency {i:02d} (fictional)")
        request = request_to(review, agency, status=AgencyReturn.Status.SUBMITTED)
        count = per + (1 if i < entries - per * agencies else 0)
        add_entries(request.agency_return, count, step_days=1 + i % 5)
        requests.append(request)
    return requests


HEADER = ["Date", "Source of information", "Agency/department", "Subject(s)",
          "Type of contact", "By whom", "Details of event", "Comments/analysis of outcome"]


def good_row(day: str = "03/02/2026", details: str = "Home visit, all well (fictional)"
             ) -> list:
    return [day, "Case notes", "Health visiting", "Child A", "Home visit", "Health visitor",
            details, "No concerns"]


def csv_bytes(rows: list[list], *, header: list[str] | None = None, bom: bool = False
              ) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list], *, header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
