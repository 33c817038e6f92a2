"""The rapid review meeting: sessions inside the plan's window, attendance, quorum (one
representative of each statutory partner), and confirming it took place."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from calendars.models import AnchorEvent, DeadlineStatus
from calendars.working_days import add_working_days
from rapid_review.models import ReviewMeeting
from rapid_review.selectors import review_meetings
from rapid_review.services import (
    meeting_attendee_add,
    meeting_attendee_remove,
    meeting_confirm_held,
    meeting_schedule,
    require_quorate,
)
from tests.factories import user_with_role
from tests.rapid_review.builders import agency_with_user, review_for

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)  # a Monday
DAY_11 = add_working_days(NOTIFIED, 11)  # the seed 003 plan's meeting day: 17 November
AFTER_MEETING = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
QUORUM = [("Lena Example", "la_representative"), ("Percy Example", "police_representative"),
          ("Ivy Example", "icb_representative")]


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def review(partnership, officer):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        return review_for(partnership, officer, notified_on=NOTIFIED)


def _session(officer, review, **overrides):
    values = dict(held_on=DAY_11, starts_at=datetime.time(10), location="Room 1 (fictional)")
    values.update(overrides)
    return meeting_schedule(actor=officer, review=review, **values)


def _attend(officer, meeting, people=QUORUM):
    for name, role in people:
        meeting_attendee_add(actor=officer, meeting=meeting, name=name, role=role)


def test_a_session_in_the_window_meets_the_scheduling_step(officer, review):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        meeting = _session(officer, review)
    assert meeting.outside_window_reason == ""
    step = review.case.deadlines.get(step__key="schedule_meeting")
    assert step.status == DeadlineStatus.MET
    sessions, window = review_meetings(review)
    assert [s.meeting for s in sessions] == [meeting]
    assert window.latest == DAY_11 and window.earliest == NOTIFIED


def test_outside_the_window_needs_a_reason_and_keeps_it(officer, review):
    late = add_working_days(DAY_11, 1)
    with pytest.raises(ValidationError) as refused:
        _session(officer, review, held_on=late)
    assert "17 November 2026" in refused.value.message_dict["outside_window_reason"][0]
    meeting = _session(officer, review, held_on=late,
                       outside_window_reason="Police representative unavailable")
    assert meeting.outside_window_reason == "Police representative unavailable"
    with pytest.raises(ValidationError) as refused:
        _session(officer, review, held_on=NOTIFIED - datetime.timedelta(days=1))
    assert "held_on" in refused.value.message_dict


def test_attendance_waits_for_the_day_and_quorum_needs_all_three_partners(officer, review):
    meeting = _session(officer, review)
    with time_machine.travel(datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC)), \
            pytest.raises(ValidationError, match="on or after the day of the meeting"):
        _attend(officer, meeting)
    with time_machine.travel(AFTER_MEETING):
        _attend(officer, meeting, QUORUM[:2] + [("Chair Example", "chair")])
        meeting_confirm_held(actor=officer, meeting=meeting)
        with pytest.raises(ValidationError,
                           match="not quorate: no representative of Integrated Care Board"):
            require_quorate(meeting)
        with pytest.raises(ValidationError, match="has been confirmed"):
            _attend(officer, meeting, QUORUM[2:])


def test_a_quorate_confirmed_meeting_anchors_the_steps_after_it(officer, review):
    meeting = _session(officer, review)
    with time_machine.travel(AFTER_MEETING):
        with pytest.raises(ValidationError, match="Record who attended"):
            meeting_confirm_held(actor=officer, meeting=meeting)
        with pytest.raises(ValidationError, match="Confirm the meeting took place"):
            require_quorate(meeting)
        _attend(officer, meeting)
        extra = meeting_attendee_add(actor=officer, meeting=meeting, name="Mistake",
                                     role="other")
        meeting_attendee_remove(actor=officer, attendee=extra)
        meeting_confirm_held(actor=officer, meeting=meeting)
    require_quorate(meeting)
    assert AnchorEvent.objects.get(case=review.case, kind="meeting_held").occurred_on == DAY_11
    assert review.case.deadlines.get(step__key="rapid_review_meeting").status == \
        DeadlineStatus.MET
    assert list(meeting.attendees.values_list("name", flat=True)) == [n for n, _ in QUORUM]


# --- Pages ---------------------------------------------------------------------------------

def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_scheduling_through_the_page_keeps_what_was_typed(client, officer, review):
    client.force_login(officer)
    url = reverse("rapid_review:meeting-schedule", args=[review.case.reference])
    late = add_working_days(DAY_11, 2)
    response = client.post(url, {**_date("held_on", late), "starts_at": "2pm",
                                 "location": "Room 2 (fictional)"})
    assert response.status_code == 200
    assert "choose a date in that window" in response.content.decode()
    assert 'value="Room 2 (fictional)"' in response.content.decode()
    response = client.post(url, {**_date("held_on", DAY_11), "starts_at": "half past",
                                 "location": "Room 2 (fictional)"})
    assert "Enter the start time like 09:30 or 2pm" in response.content.decode()
    response = client.post(url, {**_date("held_on", DAY_11), "starts_at": "2pm",
                                 "location": "Room 2 (fictional)"})
    assert response.status_code == 302
    meeting = ReviewMeeting.objects.get(review=review)
    assert meeting.starts_at == datetime.time(14)


def test_recording_attendance_and_confirming_through_the_pages(client, officer, review):
    meeting = _session(officer, review)
    client.force_login(officer)
    ref = review.case.reference
    with time_machine.travel(AFTER_MEETING):
        add = reverse("rapid_review:meeting-attendee-add", args=[ref, meeting.pk])
        response = client.post(add, {"name": "", "role": ""})
        assert "Enter the attendee&#x27;s name" in response.content.decode()
        for name, role in QUORUM[:2]:
            assert client.post(add, {"name": name, "role": role}).status_code == 302
        page = reverse("rapid_review:meeting", args=[ref, meeting.pk])
        assert "no representative of Integrated Care Board" in client.get(page).content.decode()
        client.post(add, {"name": QUORUM[2][0], "role": QUORUM[2][1]})
        response = client.post(reverse("rapid_review:meeting-confirm", args=[ref, meeting.pk]))
        assert response.status_code == 302
        body = client.get(page).content.decode()
    assert "all three safeguarding partners represented" in body
    assert "Confirmed on 18 November 2026" in body


def test_confirming_with_nobody_shows_the_error_on_the_page(client, officer, review):
    meeting = _session(officer, review)
    client.force_login(officer)
    with time_machine.travel(AFTER_MEETING):
        response = client.post(reverse("rapid_review:meeting-confirm",
                                       args=[review.case.reference, meeting.pk]))
    assert response.status_code == 400
    assert "Record who attended before confirming" in response.content.decode()


def test_partners_read_the_meeting_agencies_and_other_partnerships_get_404(
        client, officer, review, partnership, other_partnership):
    meeting = _session(officer, review)
    ref = review.case.reference
    pages = [reverse("rapid_review:meetings", args=[ref]),
             reverse("rapid_review:meeting", args=[ref, meeting.pk])]
    partner = user_with_role(partnership, Role.PARTNER_REPRESENTATIVE,
                             statutory_partner="police")
    client.force_login(partner)
    assert [client.get(p).status_code for p in pages] == [200, 200]
    assert client.get(reverse("rapid_review:meeting-schedule", args=[ref])).status_code == 404
    for outsider in (agency_with_user(partnership).user,
                     user_with_role(other_partnership, Role.BUSINESS_UNIT_OFFICER)):
        client.force_login(outsider)
        assert [client.get(p).status_code for p in pages] == [404, 404]


def test_the_meeting_pages_use_a_fixed_number_of_queries(client, officer, review,
                                                         django_assert_max_num_queries):
    client.force_login(officer)
    ref = review.case.reference
    with time_machine.travel(AFTER_MEETING):
        for number in range(6):
            meeting = _session(officer, review,
                               held_on=DAY_11 - datetime.timedelta(days=number % 3))
            _attend(officer, meeting, QUORUM * 3)
        with django_assert_max_num_queries(14):
            assert client.get(reverse("rapid_review:meetings", args=[ref])).status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(reverse("rapid_review:meeting",
                                      args=[ref, meeting.pk])).status_code == 200


def test_the_review_group_reads_the_referral_and_notification_before_the_meeting(
        client, officer, review, partnership, django_assert_max_num_queries):
    url = reverse("rapid_review:meeting-referral-paper", args=[review.case.reference])
    partner = user_with_role(partnership, Role.PARTNER_REPRESENTATIVE,
                             statutory_partner="icb")
    client.force_login(partner)
    with django_assert_max_num_queries(20):
        body = client.get(url).content.decode()
    assert "Testchild Example" in body and "Fictional test incident" in body
    assert "Duty manager (fictional)" in body
    assert "Questions to the referrer" not in body
    client.force_login(agency_with_user(partnership).user)
    assert client.get(url).status_code == 404
