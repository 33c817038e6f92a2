"""Regulation 14 checkpoints and the letter with the reviewer's name as deadlines on the
partnership's calendar: made when set or appointed, moved when rescheduled (with the
reason), met by the update, the partners' review and each recorded sending, reminded by the
sweep (a checkpoint's update to the appointed reviewer alone), linked from the home queues.

The day is Wednesday 6 January 2027 (tests/lcspr/conftest.py)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.models import Deadline, DeadlineStatus, StepAction
from calendars.services.reminders import reminders_plan, reminders_send
from calendars.step_pages import business_unit_link, partner_link
from cases.models import CaseDocument
from dashboards.selectors import my_deadlines_queue
from lcspr.models import ReviewerLetterDispatch
from lcspr.services import (
    checkpoint_add,
    checkpoint_move,
    checkpoint_review_record,
    checkpoint_update_write,
    reviewer_letter_dispatch_record,
)
from tests.conftest import deliver_emails
from tests.factories import MembershipFactory
from tests.lcspr.builders import appointed_reviewer
from tests.lcspr.conftest import TODAY

pytestmark = pytest.mark.django_db
d = datetime.date.fromisoformat
UPDATE, REVIEW = StepAction.CHECKPOINT_UPDATE_WRITTEN, StepAction.CHECKPOINT_REVIEWED


def _on(day: str, hour: int = 7):
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00"),
                               tick=False)


def _deadlines(checkpoint) -> dict[str, Deadline]:
    return {dl.step.met_by: dl for dl in Deadline.objects.filter(
        related_key=checkpoint.deadline_key).select_related("step", "responsible_user")}


def _sweep() -> list[tuple[str, str]]:
    mail.outbox.clear()
    reminders_plan()
    reminders_send()
    return sorted((m.to[0], m.subject.split(":")[0]) for m in deliver_emails())


@pytest.mark.usefixtures("frozen_today")
def test_a_checkpoint_is_two_deadlines_met_by_the_update_and_the_review(lcspr, manager,
                                                                         partnership):
    reviewer = appointed_reviewer(lcspr, manager)
    checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
    deadlines = _deadlines(checkpoint)
    assert {action: (dl.due_date, dl.status, dl.partnership_id, dl.step.calendar)
            for action, dl in deadlines.items()} == {
        UPDATE: (d("2027-01-29"), "open", partnership.pk, "partnership"),
        REVIEW: (d("2027-01-29"), "open", partnership.pk, "partnership")}
    # The update is the appointed reviewer's to write: its reminders go to them alone.
    assert deadlines[UPDATE].responsible_user == reviewer.user
    assert deadlines[REVIEW].responsible_user is None
    reference = lcspr.case.reference
    assert business_unit_link(deadlines[UPDATE]) == reverse(
        "lcspr:checkpoint-update", args=[reference, checkpoint.pk])
    assert partner_link(deadlines[UPDATE]) == reverse(
        "lcspr:checkpoint-update", args=[reference, checkpoint.pk])
    assert business_unit_link(deadlines[REVIEW]) == reverse(
        "lcspr:checkpoint-review", args=[reference, checkpoint.pk])

    checkpoint_update_write(actor=reviewer.user, checkpoint=checkpoint,
                            reviewer_update="Chronologies merged (fictional)")
    assert {a: dl.status for a, dl in _deadlines(checkpoint).items()} == {
        UPDATE: DeadlineStatus.MET, REVIEW: DeadlineStatus.OPEN}
    checkpoint_review_record(actor=manager, checkpoint=checkpoint, reviewed_on=d("2027-01-06"),
                             time_view="On track", quality_view="Good")
    assert {a: dl.status for a, dl in _deadlines(checkpoint).items()} == {
        UPDATE: DeadlineStatus.MET, REVIEW: DeadlineStatus.MET}


def test_a_review_without_an_update_closes_the_update_and_lateness_follows_the_review_day(
        lcspr, manager):
    with time_machine.travel(TODAY, tick=False):
        checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
    with _on("2027-02-02", 12):
        checkpoint_review_record(actor=manager, checkpoint=checkpoint,
                                 reviewed_on=d("2027-02-01"), time_view="Behind",
                                 quality_view="Good")
    deadlines = _deadlines(checkpoint)
    assert deadlines[REVIEW].status == DeadlineStatus.MISSED  # as the checkpoint says
    checkpoint.refresh_from_db()
    assert checkpoint.status(d("2027-02-02")) == "met_late"
    assert (deadlines[UPDATE].status, deadlines[UPDATE].waived_reason) == (
        DeadlineStatus.WAIVED, "The partners reviewed progress without a written update")


@pytest.mark.usefixtures("frozen_today")
def test_moving_a_checkpoint_moves_both_deadlines_with_the_reason(lcspr, manager):
    checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
    checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-02-26"))
    with pytest.raises(ValidationError) as refused:
        checkpoint_move(actor=manager, checkpoint=checkpoint, due_on=d("2027-02-26"),
                        reason="")
    assert refused.value.message_dict == {"reason": ["Enter why the checkpoint is moving"]}
    with pytest.raises(ValidationError, match="already a checkpoint on 26 February 2027"):
        checkpoint_move(actor=manager, checkpoint=checkpoint, due_on=d("2027-02-26"),
                        reason="Trial date")
    # Saturday 6 February: the Friday before.
    moved = checkpoint_move(actor=manager, checkpoint=checkpoint, due_on=d("2027-02-06"),
                            reason="The trial moved the chronology work")
    assert moved.due_on == d("2027-02-05")
    assert {a: dl.due_date for a, dl in _deadlines(checkpoint).items()} == {
        UPDATE: d("2027-02-05"), REVIEW: d("2027-02-05")}
    audit = AuditEvent.objects.filter(
        object_type="calendars.deadline",
        object_id=str(_deadlines(checkpoint)[REVIEW].pk)).order_by("pk").last()
    assert audit.detail["reason"] == "Checkpoint moved: The trial moved the chronology work"
    checkpoint_review_record(actor=manager, checkpoint=checkpoint, reviewed_on=d("2027-01-06"),
                             time_view="On track", quality_view="Good")
    with pytest.raises(ValidationError, match="can no longer move"):
        checkpoint_move(actor=manager, checkpoint=checkpoint, due_on=d("2027-03-05"),
                        reason="Again")


def test_the_sweep_reminds_the_reviewer_of_their_update_and_escalates(lcspr, manager,
                                                                      make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY, tick=False):
        checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
        # Appointed after the checkpoint was set: its update becomes theirs.
        reviewer = appointed_reviewer(lcspr, manager)
        other_reviewer = make_user(Role.REVIEWER)
        for recipient in ReviewerLetterDispatch.Recipient.values:
            reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient=recipient,
                                            method="email", sent_on=d("2027-01-06"))
    with _on("2027-01-22"):  # 5 working days before
        sent = _sweep()
    assert (reviewer.user.email, "Due soon") in sent
    assert (officer.email, "Due soon") in sent  # the partners' review
    assert other_reviewer.email not in {to for to, _subject in sent}
    with _on("2027-02-02"):  # 2 working days overdue: the business manager is told
        sent = _sweep()
    assert {(reviewer.user.email, "Overdue"), (manager.email, "Escalation")} <= set(sent)
    with _on("2027-02-02", 12):
        checkpoint_update_write(actor=reviewer.user, checkpoint=checkpoint,
                                reviewer_update="Late, sorry (fictional)")
        checkpoint_review_record(actor=manager, checkpoint=checkpoint,
                                 reviewed_on=d("2027-02-02"), time_view="Behind",
                                 quality_view="Good")
    with _on("2027-02-03"):
        assert _sweep() == []


def test_appointing_the_reviewer_sets_a_deadline_for_each_letter(lcspr, manager, partnership,
                                                                 make_user):
    with time_machine.travel(TODAY, tick=False):
        reviewer = appointed_reviewer(lcspr, manager)
    letters = {dl.step.met_by: dl for dl in Deadline.objects.filter(
        case=lcspr.case, anchor_event__kind="lcspr_reviewer_appointed").select_related("step")}
    # 5 working days of Wednesday 6 January: Wednesday 13 January, for each recipient.
    assert {a: (dl.due_date, dl.status, dl.step.calendar) for a, dl in letters.items()} == {
        action: (d("2027-01-13"), "open", "partnership") for action in (
            StepAction.REVIEWER_NAME_SENT_TO_PANEL, StepAction.REVIEWER_NAME_SENT_TO_OFSTED,
            StepAction.REVIEWER_NAME_SENT_TO_DFE)}
    assert {business_unit_link(dl) for dl in letters.values()} == {
        reverse("lcspr:reviewer-letter", args=[lcspr.case.reference])}
    with _on("2027-01-12", 12):
        reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="panel",
                                        method="email", sent_on=d("2027-01-11"))
    with _on("2027-01-14", 12):
        reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="ofsted",
                                        method="online", sent_on=d("2027-01-14"))
    statuses = {dl.step.met_by: dl.status for dl in Deadline.objects.filter(
        pk__in=[dl.pk for dl in letters.values()]).select_related("step")}
    assert statuses == {StepAction.REVIEWER_NAME_SENT_TO_PANEL: DeadlineStatus.MET,
                        StepAction.REVIEWER_NAME_SENT_TO_OFSTED: DeadlineStatus.MISSED,
                        StepAction.REVIEWER_NAME_SENT_TO_DFE: DeadlineStatus.OPEN}
    # A new reviewer on Monday 1 February: their name goes to everyone again, within 5
    # working days (Monday 8 February).
    with _on("2027-02-01", 12):
        appointed_reviewer(lcspr, manager, email="reviewer.two@example.org")
    again = Deadline.objects.filter(pk__in=[dl.pk for dl in letters.values()])
    assert {(dl.due_date, dl.status) for dl in again} == {(d("2027-02-08"), "open")}
    assert reviewer.user.email != "reviewer.two@example.org"


def test_the_reviewer_sees_their_update_in_their_home_queue(client, lcspr, manager,
                                                            partnership):
    with time_machine.travel(TODAY, tick=False):
        reviewer = appointed_reviewer(lcspr, manager)
        checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-08"))
        queue = my_deadlines_queue(reviewer.user, partnership)
        assert [(i.what, i.href) for i in queue.items] == [
            ("Reviewer's written progress update for the LCSPR checkpoint",
             reverse("lcspr:checkpoint-update", args=[lcspr.case.reference, checkpoint.pk]))]
        client.force_login(reviewer.user)
        assert client.get(queue.items[0].href).status_code == 200


def test_the_business_unit_moves_a_checkpoint_from_its_page(client, lcspr, manager,
                                                            django_assert_max_num_queries):
    with time_machine.travel(TODAY, tick=False):
        checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
        reviewer = appointed_reviewer(lcspr, manager)
        ref = lcspr.case.reference
        client.force_login(manager)
        with django_assert_max_num_queries(15):
            page = client.get(reverse("lcspr:checkpoint", args=[ref, checkpoint.pk])).content
        move = reverse("lcspr:checkpoint-move", args=[ref, checkpoint.pk])
        assert move.encode() in page
        response = client.post(move, {"due_on_0": "5", "due_on_1": "2", "due_on_2": "2027",
                                      "reason": ""})
        assert b"Enter why the checkpoint is moving" in response.content
        assert b'value="5"' in response.content
        response = client.post(move, {"due_on_0": "5", "due_on_1": "2", "due_on_2": "2027",
                                      "reason": "Trial"})
        assert response.status_code == 302
        checkpoint.refresh_from_db()
        assert checkpoint.due_on == d("2027-02-05")
        client.force_login(reviewer.user)
        assert client.get(move).status_code == 404


def test_the_letter_page_says_who_is_still_to_be_sent_it_and_by_when(
        client, lcspr, manager, django_assert_max_num_queries):
    with time_machine.travel(TODAY, tick=False):
        appointed_reviewer(lcspr, manager)
        reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="panel",
                                        method="email", sent_on=d("2027-01-06"))
    url = reverse("lcspr:reviewer-letter", args=[lcspr.case.reference])
    with _on("2027-01-14", 12):
        client.force_login(manager)
        with django_assert_max_num_queries(15):
            page = client.get(url).content.decode()
    due = page[page.index('id="letters-due"'):page.index("</ul>", page.index("letters-due"))]
    assert "Ofsted, by 13 January 2027" in due and "Department for Education" in due
    assert "Child Safeguarding Practice Review Panel" not in due
    assert due.count("Overdue") == 2


def test_the_letter_is_made_by_asking_for_it_never_by_opening_the_page(client, lcspr,
                                                                        manager):
    with time_machine.travel(TODAY, tick=False):
        appointed_reviewer(lcspr, manager)
    ref = lcspr.case.reference
    letters = CaseDocument.objects.filter(case=lcspr.case,
                                          kind=CaseDocument.Kind.LCSPR_REVIEWER_LETTER)
    client.force_login(manager)
    page = client.get(reverse("lcspr:reviewer-letter", args=[ref])).content.decode()
    assert not letters.exists() and 'id="letter-documents"' in page
    assert client.get(reverse("lcspr:reviewer-letter-download", args=[ref, "pdf"])
                      ).status_code == 405
    response = client.post(reverse("lcspr:reviewer-letter-download", args=[ref, "pdf"]))
    letter = letters.get()
    assert response["Location"] == reverse("cases:document-download", args=[ref, letter.pk, "pdf"])
    # A second click, or the other format, finds the same version.
    client.post(reverse("lcspr:reviewer-letter-download", args=[ref, "docx"]))
    assert letters.count() == 1
    page = client.get(reverse("lcspr:reviewer-letter", args=[ref])).content.decode()
    assert "Letter, version 1" in page
    # Only the business unit asks for it.
    client.force_login(MembershipFactory(partnership=lcspr.case.partnership,
                                         role=Role.SCRUTINEER).user)
    assert client.post(reverse("lcspr:reviewer-letter-download", args=[ref, "pdf"])
                       ).status_code == 404
