"""The review's timetable: each item a deadline on the partnership's calendar (closures
apply), moved with a reason, met when held or done, closed when cancelled, reminded and
escalated by the same sweep as every step, listed in the home queues with a link to the
item; kept by the business unit and the appointed reviewer, read by the review's readers.

The day is Wednesday 6 January 2027 (tests/lcspr/conftest.py)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.models import CalendarDay, Deadline, DeadlineStatus, StepAction
from calendars.services import calendar_day_add, deadlines_recompute
from calendars.services.reminders import reminders_plan, reminders_send
from calendars.step_pages import business_unit_link, partner_link
from dashboards.selectors import my_deadlines_queue, next_steps
from lcspr.models import TimetableItem
from lcspr.services import (
    checkpoint_add,
    lcspr_dates_close,
    timetable_item_add,
    timetable_item_cancel,
    timetable_item_done,
    timetable_item_move,
)
from tests.conftest import deliver_emails
from tests.lcspr.builders import appointed_reviewer, opened_lcspr
from tests.lcspr.conftest import TODAY

pytestmark = pytest.mark.django_db
d = datetime.date.fromisoformat


def _add(lcspr, actor, due_on="2027-01-20", **kwargs):
    values = {"kind": TimetableItem.Kind.SUB_GROUP_MEETING,
              "title": "Review sub-group meeting 1", "due_on": d(due_on)} | kwargs
    return timetable_item_add(actor=actor, lcspr=lcspr, **values)


def _on(day: str, hour: int = 7):
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00"),
                               tick=False)


@pytest.mark.usefixtures("frozen_today")
def test_an_item_is_a_deadline_on_the_partnerships_calendar(lcspr, manager, partnership):
    item = _add(lcspr, manager, starts_at=datetime.time(10), location="Room 2")
    deadline = item.deadline
    assert (deadline.partnership_id, deadline.case_id, deadline.due_date, deadline.status) == (
        partnership.pk, lcspr.case_id, d("2027-01-20"), DeadlineStatus.OPEN)
    assert deadline.step.met_by == StepAction.TIMETABLE_ITEM_DONE
    assert deadline.step.calendar == "partnership"
    assert deadline.related_key == f"lcspr-timetable-{item.pk}"
    assert business_unit_link(deadline) == reverse(
        "lcspr:timetable-item", args=[lcspr.case.reference, item.pk])
    # The partnership closes on the 20th: the deadline moves to its next working day.
    calendar_day_add(actor=manager, partnership=partnership, date=d("2027-01-20"),
                     kind=CalendarDay.Kind.CLOSURE, reason="Staff training day")
    deadlines_recompute(partnership=partnership)
    deadline.refresh_from_db()
    assert deadline.due_date == d("2027-01-21")


@pytest.mark.usefixtures("frozen_today")
def test_a_date_the_partnership_does_not_work_needs_confirming(lcspr, manager, partnership):
    calendar_day_add(actor=manager, partnership=partnership, date=d("2027-01-22"),
                     kind=CalendarDay.Kind.CLOSURE, reason="Staff training day")
    for day, name in (("2027-01-23", "Saturday 23 January 2027"),
                      ("2027-01-22", "Friday 22 January 2027")):
        with pytest.raises(ValidationError) as refused:
            _add(lcspr, manager, due_on=day, kind=TimetableItem.Kind.FAMILY)
        assert refused.value.message_dict["due_on"] == [
            f"{name} is not a working day on the partnership's calendar: choose another "
            "date, or confirm the item is on that day"]
    # A family meeting on a Saturday, confirmed: its deadline is the Monday.
    item = _add(lcspr, manager, due_on="2027-01-23", kind=TimetableItem.Kind.FAMILY,
                title="Meeting with the child's grandmother", non_working_day_confirmed=True)
    assert (item.due_on, item.deadline.due_date) == (d("2027-01-23"), d("2027-01-25"))
    with pytest.raises(ValidationError) as refused:
        _add(lcspr, manager, due_on="2027-01-05", title=" ")
    assert refused.value.message_dict == {
        "due_on": ["The date of the item must be today or in the future"],
        "title": ["Enter what the item is, for example the sub-group's first meeting"]}
    assert TimetableItem.objects.count() == 1


@pytest.mark.usefixtures("frozen_today")
def test_moving_an_item_moves_its_deadline_with_the_reason(lcspr, manager, partnership):
    item = _add(lcspr, manager)
    with pytest.raises(ValidationError) as refused:
        timetable_item_move(actor=manager, item=item, due_on=d("2027-01-27"), reason=" ")
    assert refused.value.message_dict == {"reason": ["Enter why the date is moving"]}
    moved = timetable_item_move(actor=manager, item=item, due_on=d("2027-01-27"),
                                reason="The police lead is on leave", revision=1)
    assert (moved.due_on, moved.first_due_on, moved.revision) == (
        d("2027-01-27"), d("2027-01-20"), 2)
    deadline = Deadline.objects.get(pk=item.deadline_id)
    assert deadline.due_date == d("2027-01-27")
    audit = AuditEvent.objects.filter(object_type="calendars.deadline",
                                      object_id=str(deadline.pk)).order_by("pk").last()
    assert audit.detail["reason"] == "Timetable item moved: The police lead is on leave"
    assert audit.detail["previous"] == "2027-01-20"
    # The anchor moved too: a recompute keeps the new date.
    deadlines_recompute(partnership=partnership)
    deadline.refresh_from_db()
    assert deadline.due_date == d("2027-01-27")
    # A form read before the move is refused, not applied over it.
    with pytest.raises(ValidationError, match="changed this item after you opened the page"):
        timetable_item_move(actor=manager, item=item, due_on=d("2027-02-03"),
                            reason="Again", revision=1)


def test_held_meets_the_deadline_and_cancelled_closes_it(lcspr, manager):
    with time_machine.travel(TODAY, tick=False):
        held = _add(lcspr, manager, starts_at=datetime.time(14))
        cancelled = _add(lcspr, manager, due_on="2027-01-21", title="Learning event",
                         kind=TimetableItem.Kind.LEARNING_EVENT)
        late = _add(lcspr, manager, due_on="2027-01-08", title="Chronologies due",
                    kind=TimetableItem.Kind.CHRONOLOGY)
        with pytest.raises(ValidationError, match="today or in the past"):
            timetable_item_done(actor=manager, item=held, done_on=d("2027-01-20"))
        cancelled = timetable_item_cancel(actor=manager, item=cancelled,
                                          reason="Merged with the practitioner event")
    with _on("2027-01-21", 9):
        # Recorded the day after, as held on the day: met on time.
        held = timetable_item_done(actor=manager, item=held, done_on=d("2027-01-20"))
        late = timetable_item_done(actor=manager, item=late, done_on=d("2027-01-21"))
        with pytest.raises(ValidationError, match="can no longer be changed"):
            timetable_item_move(actor=manager, item=held, due_on=d("2027-02-01"),
                                reason="Too late")
    statuses = {i.title: (i.status, i.deadline.status, i.deadline.waived_reason)
                for i in TimetableItem.objects.select_related("deadline")}
    assert statuses == {
        "Review sub-group meeting 1": ("done", DeadlineStatus.MET, ""),
        "Chronologies due": ("done", DeadlineStatus.MISSED, ""),
        "Learning event": ("cancelled", DeadlineStatus.WAIVED,
                           "Timetable item cancelled: Merged with the practitioner event")}
    assert held.status_tag(d("2027-01-21")) == ("Held or done", "green")
    assert late.status_tag(d("2027-01-21")) == ("Done late", "yellow")


def test_the_sweep_reminds_and_escalates_an_item(lcspr, manager, make_user, partnership):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY, tick=False):
        item = _add(lcspr, officer, due_on="2027-01-20")

    def sweep():
        mail.outbox.clear()
        reminders_plan()
        reminders_send()
        return sorted((m.to[0], m.subject.split(":")[0]) for m in deliver_emails())

    # 5 working days before (Wednesday 13), 1 before (Tuesday 19), on the day, then overdue
    # and, 2 working days overdue (Friday 22), escalated to the business manager.
    with _on("2027-01-13"):
        assert sweep() == [(officer.email, "Due soon")]
    with _on("2027-01-20"):
        assert sweep() == [(officer.email, "Due today")]
    with _on("2027-01-22"):
        assert sorted(sweep()) == sorted([(officer.email, "Overdue"),
                                          (manager.email, "Escalation")])
        assert sweep() == []  # run twice, sent once
    with _on("2027-01-25"):
        timetable_item_done(actor=officer, item=item, done_on=d("2027-01-25"))
        assert sweep() == []


def test_the_reviewer_keeps_the_timetable_of_their_review_only(
        client, lcspr, manager, partnership, make_user, django_assert_max_num_queries):
    with time_machine.travel(TODAY, tick=False):
        reviewer = appointed_reviewer(lcspr, manager)
        other = opened_lcspr(partnership, manager)
        elsewhere = _add(other, manager)
        for n in range(4):
            _add(lcspr, manager, due_on=f"2027-01-{18 + n}", title=f"Meeting {n}")
    ref = lcspr.case.reference
    with time_machine.travel(TODAY, tick=False):
        client.force_login(reviewer.user)
        add = reverse("lcspr:timetable-add", args=[ref])
        response = client.post(add, {"kind": "practitioners", "title": "Conversation with "
                                     "the health visitor", "due_on_0": "23", "due_on_1": "1",
                                     "due_on_2": "2027", "starts_at": "2pm"})
        page = response.content.decode()
        assert "is not a working day on the partnership" in page
        assert "govuk-error-summary" in page and 'value="Conversation with the health ' in page
        response = client.post(add, {"kind": "practitioners", "title": "Conversation with "
                                     "the health visitor", "due_on_0": "25", "due_on_1": "1",
                                     "due_on_2": "2027", "starts_at": "2pm",
                                     "form_token": "8b6f0c43-1d5e-4a55-9d59-8e0b8a9f1c11"})
        assert response.status_code == 302
        client.post(add, {"kind": "practitioners", "title": "Conversation with the health "
                          "visitor", "due_on_0": "25", "due_on_1": "1", "due_on_2": "2027",
                          "form_token": "8b6f0c43-1d5e-4a55-9d59-8e0b8a9f1c11"})
        assert lcspr.timetable.count() == 5  # posted twice, added once
        with django_assert_max_num_queries(15):
            page = client.get(reverse("lcspr:timetable", args=[ref])).content.decode()
        assert "Conversation with the health visitor" in page and "Meeting 3" in page
        assert "Add to the timetable" in page
        item = lcspr.timetable.get(kind="practitioners")
        with django_assert_max_num_queries(15):
            page = client.get(reverse("lcspr:timetable-item", args=[ref, item.pk])).content
        assert b"Record it as held or done" in page
        response = client.post(reverse("lcspr:timetable-item-move", args=[ref, item.pk]),
                               {"due_on_0": "27", "due_on_1": "1", "due_on_2": "2027",
                                "reason": "The health visitor asked", "revision": "1"})
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.due_on, item.deadline.due_date) == (d("2027-01-27"), d("2027-01-27"))
        # Another review's item, or another review: not found.
        other_ref = other.case.reference
        for url in (reverse("lcspr:timetable-item", args=[ref, elsewhere.pk]),
                    reverse("lcspr:timetable-item-cancel", args=[ref, elsewhere.pk]),
                    reverse("lcspr:timetable", args=[other_ref]),
                    reverse("lcspr:timetable-add", args=[other_ref])):
            assert client.get(url).status_code == 404, url
        # The overview's task list links the timetable.
        overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
        assert reverse("lcspr:timetable", args=[ref]) in overview
    # A scrutineer reads the timetable but cannot change it.
    with time_machine.travel(TODAY, tick=False):
        client.force_login(make_user(Role.SCRUTINEER))
        page = client.get(reverse("lcspr:timetable", args=[ref])).content.decode()
        assert "Meeting 3" in page and "Add to the timetable" not in page
        assert client.get(reverse("lcspr:timetable-add", args=[ref])).status_code == 404


def test_a_stale_form_shows_what_changed_and_keeps_what_was_typed(client, lcspr, manager,
                                                                  make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY, tick=False):
        item = _add(lcspr, manager)
        timetable_item_move(actor=manager, item=item, due_on=d("2027-01-27"),
                            reason="Chair unavailable")
        client.force_login(officer)
        response = client.post(
            reverse("lcspr:timetable-item-cancel", args=[lcspr.case.reference, item.pk]),
            {"reason": "Not needed after all", "revision": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed this item after you opened the page" in page
    assert "Not needed after all" in page
    item.refresh_from_db()
    assert item.status == TimetableItem.Status.PLANNED


def test_the_overview_shows_the_timetable_task_and_overdue_items(
        client, lcspr, manager, django_assert_max_num_queries):
    with time_machine.travel(TODAY, tick=False):
        _add(lcspr, manager, due_on="2027-01-08")
        client.force_login(manager)
        url = reverse("lcspr:overview", args=[lcspr.case.reference])
        page = client.get(url).content.decode()
    assert "Timetable" in page and "In progress" in page
    with _on("2027-01-11", 12):
        client.force_login(manager)
        with django_assert_max_num_queries(15):
            page = client.get(url).content.decode()
    timetable_row = page[page.index(">Timetable<"):][:400]
    assert "Overdue" in timetable_row


def test_the_home_queues_link_straight_to_the_item(lcspr, manager, partnership, make_user):
    with time_machine.travel(TODAY, tick=False):
        reviewer = appointed_reviewer(lcspr, manager)
        item = _add(lcspr, manager, due_on="2027-01-07")
        queue = next_steps(manager, partnership)
    href = reverse("lcspr:timetable-item", args=[lcspr.case.reference, item.pk])
    assert [(i.what, i.href) for i in queue.items if i.reference == lcspr.case.reference][
        0] == (item.deadline.step.label, href)
    assert partner_link(item.deadline) == href  # the reviewer's link is the same page
    with time_machine.travel(TODAY, tick=False):
        assert my_deadlines_queue(reviewer.user, partnership).items == []  # not theirs


@pytest.mark.usefixtures("frozen_today")
def test_when_the_review_ends_its_own_dates_still_open_close(lcspr, manager):
    appointed_reviewer(lcspr, manager)
    item = _add(lcspr, manager)
    checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
    done = _add(lcspr, manager, due_on="2027-01-06", title="Held today")
    timetable_item_done(actor=manager, item=done, done_on=d("2027-01-06"))
    assert lcspr_dates_close(actor=manager, lcspr=lcspr, reason="The LCSPR is published") == 6
    item.deadline.refresh_from_db()
    assert (item.deadline.status, item.deadline.waived_reason) == (
        DeadlineStatus.WAIVED, "The LCSPR is published")
    done.deadline.refresh_from_db()
    assert done.deadline.status == DeadlineStatus.MET
    # The 6 month target is not one of them.
    assert lcspr.case.deadlines.filter(status=DeadlineStatus.OPEN).get().step.met_by == (
        StepAction.FINAL_REPORT_SENT)
