"""The notification page: what the business unit types is kept and errors sit by the field."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from calendars.models import Anchor
from calendars.services import anchor_record
from notifications.models import PanelNotification
from tests.cases.builders import adopt_plan

from .builders import case_in_triage_for_rapid_review, notified_case

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def error_next_to(html: str, field: str) -> str:
    """The GOV.UK error message shown by the field (empty if none)."""
    match = re.search(rf'id="id_{field}(_\d)?_error" class="govuk-error-message">\s*'
                      rf'<span class="govuk-visually-hidden">Error:</span>([^<]*)<', html)
    return match.group(2).strip() if match else ""


def _date(prefix: str, value: str) -> dict:
    year, month, day = value.split("-")
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def case(partnership, officer):
    adopt_plan(partnership)
    with time_machine.travel(TODAY):
        return case_in_triage_for_rapid_review(partnership, officer)


def _form(case, **overrides):
    data = {**_date("became_aware_on", "2026-11-16"), **_date("notified_on", "2026-11-18"),
            "notified_by": "Duty manager (fictional)", "panel_reference": "PANEL-0001",
            "children": [c.pk for c in case.children.all()]}
    data.update(overrides)
    return data


@time_machine.travel(TODAY)
def test_a_late_notification_without_a_reason_is_refused_next_to_the_field(client, officer,
                                                                           case):
    client.force_login(officer)
    url = reverse("notifications:notification-edit", args=[case.reference])
    response = client.post(url, _form(case, **_date("notified_on", "2026-11-24")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "more than 5 working days" in error_next_to(html, "late_reason")
    assert 'href="#id_late_reason"' in html  # the error summary links to the field
    assert 'value="Duty manager (fictional)"' in html and 'value="PANEL-0001"' in html
    assert 'name="notified_on_0" value="24"' in html
    assert not PanelNotification.objects.filter(case=case).exists()

    response = client.post(url, _form(case, late_reason="Waiting for the police view",
                                      **_date("notified_on", "2026-11-24")))
    assert response.status_code == 302
    assert PanelNotification.objects.get(case=case).late_reason == "Waiting for the police view"


@time_machine.travel(TODAY)
def test_a_looked_after_childs_death_is_recorded_on_its_own_page(client, officer, case):
    """The Secretary of State and Ofsted are told whether or not the Panel is notified: the
    case page asks for it once a looked-after child's death is recorded."""
    url = reverse("notifications:looked-after-death", args=[case.reference])
    client.force_login(officer)
    assert client.get(url).status_code == 404  # no looked-after child's death recorded
    anchor_record(actor=None, case=case, kind=Anchor.LOOKED_AFTER_CHILD_DIED,
                  occurred_on=datetime.date(2026, 11, 24))
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert url in page and "Tell the Secretary of State a looked-after child died" in page
    response = client.post(url, {"secretary_of_state_notified_on_0": ""})
    assert response.status_code == 200
    assert "Enter when the Secretary of State was told" in error_next_to(
        response.content.decode(), "secretary_of_state_notified_on")
    response = client.post(url, {**_date("secretary_of_state_notified_on", "2026-11-24"),
                                 **_date("ofsted_notified_on", "2026-11-30")})
    assert "The date Ofsted was told must be today or in the past" in error_next_to(
        response.content.decode(), "ofsted_notified_on")
    assert 'name="secretary_of_state_notified_on_0" value="24"' in response.content.decode()
    response = client.post(url, {**_date("secretary_of_state_notified_on", "2026-11-24"),
                                 **_date("ofsted_notified_on", "2026-11-25")})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Secretary of State: 24 November 2026" in page and "Ofsted: 25 November 2026" in page
    assert not case.deadlines.filter(anchor_event__kind="looked_after_child_died",
                                     status="open").exists()


@time_machine.travel(TODAY)
def test_the_form_shows_the_other_area_fields_filled_in(client, officer, partnership):
    case = notified_case(partnership, officer, plan=False)
    notification = case.panel_notification
    notification.resident_local_authority = "Gammashire Council"
    notification.save()
    client.force_login(officer)
    html = client.get(reverse("notifications:notification-edit",
                              args=[case.reference])).content.decode()
    assert 'name="resident_local_authority_contact"' in html
    assert 'name="secretary_of_state_notified_on_0"' not in html  # its own page now
    assert 'value="Gammashire Council"' in html


@time_machine.travel(TODAY)
def test_the_form_says_when_the_notification_is_due_on_the_statutory_calendar(client, officer,
                                                                             case):
    client.force_login(officer)
    html = client.get(reverse("notifications:notification-edit",
                              args=[case.reference])).content.decode()
    # Aware on the referral's day, Wednesday 25 November: due Wednesday 2 December.
    assert "the notification is due by <strong>Wednesday 2 December 2026</strong>" in html
    assert "England&#x27;s bank holidays only" in html or "England's bank holidays only" in html


@time_machine.travel(TODAY)
def test_the_decision_not_to_notify_closes_the_duty_with_its_reason(client, officer,
                                                                    partnership):
    from cases import services as case_services
    from tests.cases.builders import complete_draft

    adopt_plan(partnership)
    referral = complete_draft(partnership)
    case = case_services.referral_submit(actor=referral.referrer, referral=referral)
    client.force_login(officer)
    url = reverse("notifications:decision-not-to-notify", args=[case.reference])
    response = client.post(url, {**_date("decided_on", "2026-11-25"), "decided_by": "",
                                 "reason": "Not serious harm"})
    assert "Enter who decided" in error_next_to(response.content.decode(), "decided_by")
    assert "Not serious harm" in response.content.decode()
    response = client.post(url, {**_date("decided_on", "2026-11-25"),
                                 "decided_by": "Head of service (fictional)",
                                 "reason": "Not serious harm"})
    assert response.status_code == 302
    notify = case.deadlines.get(step__key="notify_panel")
    assert notify.status == "waived" and "decided not to notify" in notify.waived_reason
    page = client.get(response.url).content.decode()
    assert "decided not to notify on 25 November 2026: Not serious harm" in page
    assert client.get(url).status_code == 200  # still reachable: refused by the service
    response = client.post(url, {**_date("decided_on", "2026-11-25"), "decided_by": "X",
                                 "reason": "Again"})
    assert "already recorded" in response.content.decode()
