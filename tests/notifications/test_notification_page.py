"""The notification page: what the business unit types is kept and errors sit by the field."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
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
def test_a_looked_after_childs_death_needs_the_secretary_of_state_and_ofsted_dates(
        client, officer, case):
    case.incident.looked_after_child_death = True
    case.incident.save()
    client.force_login(officer)
    url = reverse("notifications:notification-edit", args=[case.reference])
    response = client.post(url, _form(case, resident_local_authority="Gammashire Council"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secretary of State" in error_next_to(html, "secretary_of_state_notified_on")
    assert "Ofsted" in error_next_to(html, "ofsted_notified_on")
    assert 'value="Gammashire Council"' in html

    response = client.post(url, _form(
        case, resident_local_authority="Gammashire Council",
        resident_local_authority_contact="Duty team, 01632 960000",
        **_date("secretary_of_state_notified_on", "2026-11-19"),
        **_date("ofsted_notified_on", "2026-11-20")))
    assert response.status_code == 302
    overview = client.get(response.url).content.decode()
    assert "Secretary of State notified" in overview and "19 November 2026" in overview
    assert "Ofsted notified" in overview and "20 November 2026" in overview
    assert "Gammashire Council (Duty team, 01632 960000)" in overview


@time_machine.travel(TODAY)
def test_the_form_shows_the_looked_after_and_other_area_fields_filled_in(client, officer,
                                                                         partnership):
    case = notified_case(partnership, officer, plan=False)
    notification = case.panel_notification
    notification.resident_local_authority = "Gammashire Council"
    notification.save()
    client.force_login(officer)
    html = client.get(reverse("notifications:notification-edit",
                              args=[case.reference])).content.decode()
    for name in ("secretary_of_state_notified_on_0", "ofsted_notified_on_0",
                 "resident_local_authority_contact"):
        assert f'name="{name}"' in html
    assert 'value="Gammashire Council"' in html
