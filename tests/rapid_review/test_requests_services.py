"""Sending information requests: packs, due dates in working days, deadlines, reminders."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from docx import Document

from accounts import rules
from accounts.models import AuditEvent, Role
from calendars.models import Deadline, DeadlineStatus, Reminder
from calendars.services import calendar_for
from calendars.services.reminders import reminders_plan, reminders_send
from calendars.working_days import add_working_days
from cases.models import CaseDocument
from outbox.models import Message
from rapid_review.models import AgencyReturn, InformationRequest
from rapid_review.services import (
    information_request_confirm_receipt,
    rapid_review_stop,
)
from tests.conftest import deliver_emails
from tests.factories import AgencyFactory, MembershipFactory

from .builders import agency_with_user, officer_of, review_for, send_requests

pytestmark = pytest.mark.django_db
d = datetime.date.fromisoformat
WEDNESDAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def _docx_text(document: CaseDocument) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(bytes(document.docx))).paragraphs) + \
        "\n".join(c.text for t in Document(io.BytesIO(bytes(document.docx))).tables
                  for row in t.rows for c in row.cells)


@time_machine.travel(WEDNESDAY)
def test_sending_creates_a_request_return_pack_and_deadline_per_agency(partnership):
    review = review_for(partnership)
    police = agency_with_user(partnership, "Alphashire Police (fictional)",
                              email="safeguarding@police.example", phone="01632 960001")
    school = agency_with_user(partnership, "Alphashire Primary (fictional)")
    sent = send_requests(review, [police.agency, school.agency])

    assert len(sent) == 2
    request = InformationRequest.objects.get(review=review, agency=police.agency)
    assert request.due_on == d("2026-12-02")  # Wed + 5 working days
    assert request.contact_email == "safeguarding@police.example"
    assert request.contact_phone == "01632 960001"
    assert request.contact_name == police.user.full_name
    assert request.agency_return.status == AgencyReturn.Status.DRAFT

    pack = CaseDocument.objects.get(case=review.case, kind=CaseDocument.Kind.INFORMATION_REQUEST,
                                    related_key=request.deadline_key)
    assert pack.agency == police.agency
    text = _docx_text(pack)
    assert "secure all records" in text
    assert "2 December 2026" in text and review.case.reference in text
    assert f"/information-requests/{request.pk}/" in text
    assert "What worked well? What are we worried about?" in text
    assert rules.can_download_document(police.user, pack)
    assert not rules.can_download_document(school.user, pack)

    due = Deadline.objects.get(case=review.case, step__key="agency_returns_due",
                               related_key=request.deadline_key)
    assert due.due_date == request.due_on and due.responsible_agency == police.agency
    sending = Deadline.objects.get(case=review.case, step__key="send_information_requests")
    assert sending.status == DeadlineStatus.MET
    assert AuditEvent.objects.filter(object_type="rapid_review.informationrequest",
                                     object_id=str(request.pk),
                                     action=AuditEvent.Action.CREATE).exists()


@time_machine.travel(datetime.datetime(2026, 12, 21, 10, 0, tzinfo=datetime.UTC))
def test_the_return_is_due_in_five_working_days_skipping_christmas(partnership):
    review = review_for(partnership)
    [request] = send_requests(review, [agency_with_user(partnership).agency])
    # Mon 21: 22, 23, 24 (25 Christmas, 26-27 weekend, 28 Boxing Day substitute), 29, 30.
    assert request.due_on == d("2026-12-30")
    assert request.due_on == add_working_days(d("2026-12-21"), 5, calendar_for(partnership))


@time_machine.travel(WEDNESDAY)
def test_an_agency_already_asked_is_refused_and_nothing_is_sent_twice(partnership):
    review = review_for(partnership)
    police = agency_with_user(partnership)
    send_requests(review, [police.agency])
    other = agency_with_user(partnership)
    with pytest.raises(ValidationError, match="already been sent a request"):
        send_requests(review, [other.agency, police.agency])
    assert review.information_requests.count() == 1  # the whole send was refused


@time_machine.travel(WEDNESDAY)
def test_agencies_outside_the_directory_and_stopped_reviews_are_refused(partnership,
                                                                        other_partnership):
    review = review_for(partnership)
    elsewhere = AgencyFactory(partnerships=[other_partnership])
    with pytest.raises(ValidationError, match="not in the partnership's directory"):
        send_requests(review, [elsewhere])
    with pytest.raises(ValidationError, match="Select the agencies"):
        send_requests(review, [])
    rapid_review_stop(actor=officer_of(partnership), review=review, reason="Criteria not met",
                      panel_told_on=review.started_on)
    with pytest.raises(ValidationError, match="stopped"):
        send_requests(review, [agency_with_user(partnership).agency])


@time_machine.travel(WEDNESDAY)
def test_an_agency_in_the_professional_network_can_be_asked(partnership, other_partnership):
    review = review_for(partnership)
    involved = review.case.involvements.first() or review.case.involvements.create(
        agency=AgencyFactory(partnerships=[other_partnership]), nature="Dentist (fictional)")
    [request] = send_requests(review, [involved.agency])
    assert request.agency == involved.agency


@time_machine.travel(WEDNESDAY)
def test_the_email_names_the_case_and_links_but_holds_no_child_details(partnership):
    review = review_for(partnership)
    police = agency_with_user(partnership, email="mailbox@police.example")
    [request] = send_requests(review, [police.agency])
    queued = Message.objects.filter(kind="information_request")
    assert sorted(queued.values_list("to", flat=True)) == sorted(["mailbox@police.example",
                                                                  police.user.email])
    assert {m.related["request"] for m in queued} == {request.pk}
    body = queued.first().body
    assert review.case.reference in body and f"/information-requests/{request.pk}/" in body
    child = review.case.children.first()
    assert child.full_name not in body and child.full_name.split()[0] not in body
    assert str(child.date_of_birth.year) not in body


@time_machine.travel(WEDNESDAY)
def test_sending_queues_each_requests_emails_with_it(partnership, mailoutbox):
    review = review_for(partnership)
    agencies = [agency_with_user(partnership).agency for _ in range(2)]
    requests = send_requests(review, agencies)
    assert not mailoutbox  # queued, not sent inside the transaction
    queued = Message.objects.filter(kind="information_request")
    assert sorted(m.related["request"] for m in queued) == sorted(r.pk for r in requests)


@time_machine.travel(WEDNESDAY)
def test_receipt_is_recorded_with_its_date_and_note(partnership):
    review = review_for(partnership)
    [request] = send_requests(review, [agency_with_user(partnership).agency])
    officer = officer_of(partnership)
    with pytest.raises(ValidationError, match="today or in the past"):
        information_request_confirm_receipt(actor=officer, request=request,
                                            confirmed_on=d("2026-11-26"))
    with pytest.raises(ValidationError, match="on or after"):
        information_request_confirm_receipt(actor=officer, request=request,
                                            confirmed_on=d("2026-11-24"))
    information_request_confirm_receipt(actor=officer, request=request,
                                        confirmed_on=d("2026-11-25"), note=" Spoke to SLO ")
    request.refresh_from_db()
    assert request.receipt_confirmed_at.date() == d("2026-11-25")
    assert request.receipt_note == "Spoke to SLO" and request.receipt_confirmed_by == officer


def test_reminders_for_a_return_go_to_the_agency_and_escalate_to_the_business_manager(
        partnership, mailoutbox):
    with time_machine.travel(WEDNESDAY):
        review = review_for(partnership)
        police = agency_with_user(partnership)
        bystander = agency_with_user(partnership)
        manager = MembershipFactory(partnership=partnership, role=Role.BUSINESS_MANAGER).user
        [request] = send_requests(review, [police.agency])
    due = request.due_on  # Wed 2 December
    deadline = Deadline.objects.get(pk=request.return_deadline_id)

    for day in (d("2026-11-30"), due, d("2026-12-03"), d("2026-12-04")):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0),
                                                           tzinfo=datetime.UTC)):
            reminders_plan(today=day)
            reminders_send(today=day)
            deliver_emails()
    kinds = dict(Reminder.objects.filter(deadline=deadline).values_list("for_date", "kind"))
    assert kinds[d("2026-11-30")] == Reminder.Kind.BEFORE
    assert Reminder.objects.filter(deadline=deadline, kind=Reminder.Kind.ESCALATION).exists()
    to_agency = [m for m in mailoutbox if m.to == [police.user.email]]
    assert {m.subject.split(":")[0] for m in to_agency} >= {"Due soon", "Due today", "Overdue"}
    escalations = [m for m in mailoutbox if m.subject.startswith("Escalation")]
    assert escalations and all(m.to == [manager.email] for m in escalations)
    assert not [m for m in mailoutbox if m.to == [bystander.user.email]]
    assert all(review.case.reference in m.subject for m in to_agency)


@time_machine.travel(WEDNESDAY)
def test_a_closure_moves_the_return_date_its_pack_and_tells_the_agency(partnership):
    """The request's date is its deadline's, so the two never disagree: a closure day moves
    both, a new version of the pack says the new date, and the agency is told."""
    from calendars.models import CalendarDay
    from calendars.services import calendar_day_add, deadlines_recompute

    review = review_for(partnership)
    police = agency_with_user(partnership)
    [request] = send_requests(review, [police.agency])
    assert request.due_on == d("2026-12-02")
    calendar_day_add(actor=officer_of(partnership), partnership=partnership,
                     date=d("2026-11-30"), kind=CalendarDay.Kind.CLOSURE,
                     reason="Office move (fictional)")
    told = Message.objects.filter(kind="return_date_changed")
    assert deadlines_recompute(partnership=partnership) > 0
    request.refresh_from_db()
    assert request.due_on == d("2026-12-03") == request.return_deadline.due_date
    packs = CaseDocument.objects.filter(case=review.case, related_key=request.deadline_key,
                                        kind=CaseDocument.Kind.INFORMATION_REQUEST)
    latest = packs.order_by("-version").first()
    assert latest.version == 2 and "3 December 2026" in _docx_text(latest)
    assert "2 December 2026" in _docx_text(packs.get(version=1))  # what was sent is kept
    [email] = told  # the agency's one user, queued with the move
    assert email.to == police.user.email and email.related == {"request": request.pk}
    assert "Return by: 03 December 2026" in email.body
    assert "Testchild" not in email.body
    # Recomputing again moves nothing and tells nobody.
    assert deadlines_recompute(partnership=partnership) == 0
    assert told.count() == 1
