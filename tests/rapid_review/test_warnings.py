"""Warnings before consequences: an edit of the report out for signature says, before it
is saved, that it voids the version and who will have to sign again; confirming a meeting
that is not quorate says no decision can be recorded, and lets the attendance be corrected
first, never with a green "Success"."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from rapid_review.models import ReviewMeeting, ReviewReport
from rapid_review.services import meeting_attendee_add, meeting_schedule
from rapid_review.services.signoff import report_send_for_signature, report_sign
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import QUORUM, held_quorate_meeting, review_for

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)
DAY_11 = datetime.date(2026, 11, 17)
AFTER_MEETING = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


@pytest.fixture
def review(partnership, officer):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        return review_for(partnership, officer, notified_on=NOTIFIED)


def _meeting(officer, review, people):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        meeting = meeting_schedule(actor=officer, review=review, held_on=DAY_11,
                                   starts_at=datetime.time(10), location="Room 1 (fictional)")
    with time_machine.travel(AFTER_MEETING):
        for name, role in people:
            meeting_attendee_add(actor=officer, meeting=meeting, name=name, role=role)
    return meeting


def _warning(html: str) -> str:
    start = html.index('id="void-warning"')
    return " ".join(html[start:html.index("</div>", start)].split())


def test_the_section_page_says_before_saving_who_will_have_to_sign_again(
        client, officer, partners, review):
    ref = review.case.reference
    url = reverse("rapid_review:report-section", args=[ref, "introduction"])
    with time_machine.travel(AFTER_MEETING):
        meeting = held_quorate_meeting(review, officer, DAY_11)
        report = ReviewReport.objects.create(
            review=review, sections={"introduction": "A rapid review (fictional)."},
            decision=ReviewReport.Decision.LOCAL_CSPR, decision_meeting=meeting,
            key_lines_of_enquiry="Information sharing (fictional)", updated_by=officer)
        client.force_login(officer)
        assert 'id="void-warning"' not in client.get(url).content.decode()
        version = report_send_for_signature(actor=officer, report=report)
        html = client.get(url).content.decode()
        assert "nobody has signed it yet" in _warning(html)
        for partner in (StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.POLICE):
            report_sign(actor=partners[partner], version=version,
                        content_sha256=version.content_sha256, signer_role="Director")
        html = client.get(url).content.decode()
        others = {page: client.get(reverse(f"rapid_review:{page}", args=[ref])).content.decode()
                  for page in ("report-assessment", "report-decision", "report-learning-add")}
    warning = _warning(html)
    assert "Version 1 of the report is out for signature" in warning
    assert "saving will void version 1 and its signatures" in warning
    la, police = partners[StatutoryPartner.LOCAL_AUTHORITY], partners[StatutoryPartner.POLICE]
    assert (f"{la.full_name} (Local authority) and {police.full_name} (Police) have already "
            "signed it and will have to sign again") in warning.replace("&#x27;", "'")
    # Before the button that saves.
    assert html.index('id="void-warning"') < html.index("Save and return to the report")
    for page, other in others.items():
        assert "have already signed it and will have to sign again" in other, page


def test_a_meeting_that_is_not_quorate_is_not_confirmed_as_a_success(client, officer, review):
    meeting = _meeting(officer, review, QUORUM[:2])
    ref = review.case.reference
    page = reverse("rapid_review:meeting", args=[ref, meeting.pk])
    confirm = reverse("rapid_review:meeting-confirm", args=[ref, meeting.pk])
    add = reverse("rapid_review:meeting-attendee-add", args=[ref, meeting.pk])
    client.force_login(officer)
    with time_machine.travel(AFTER_MEETING):
        html = client.get(page).content.decode()
        assert "No decision can be recorded at a meeting that is not quorate" in html
        assert f'href="{add}"' in html and "Confirm it took place without quorum" in html
        # The old one-click form: the page asks again, nothing is confirmed.
        response = client.post(confirm)
        assert response.status_code == 200
        assert "Check the attendance before you confirm" in response.content.decode()
        assert ReviewMeeting.objects.get(pk=meeting.pk).attendance_confirmed_at is None
        response = client.post(confirm, {"not_quorate": "confirmed"}, follow=True)
    html = response.content.decode()
    assert ReviewMeeting.objects.get(pk=meeting.pk).attendance_confirmed_at is not None
    assert "Success" not in html and "govuk-notification-banner--success" not in html
    assert "it was not quorate: no representative of Integrated Care Board attended, so no " \
           "decision can be recorded at it" in html
    assert "This meeting was not quorate: no decision can be recorded at it" in html


def test_a_quorate_meeting_is_confirmed_in_one_click(client, officer, review):
    meeting = _meeting(officer, review, QUORUM)
    client.force_login(officer)
    with time_machine.travel(AFTER_MEETING):
        response = client.post(reverse("rapid_review:meeting-confirm",
                                       args=[review.case.reference, meeting.pk]), follow=True)
    assert "Meeting confirmed as held with these attendees" in response.content.decode()
    assert "not quorate" not in response.content.decode()
