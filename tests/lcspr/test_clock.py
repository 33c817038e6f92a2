"""The LCSPR's clock: 6 months from the decision, and the final report to the Panel, the
Secretary of State and Ofsted 7 working days (statutory calendar) before publication."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from calendars.models import Anchor, CalendarDay, DeadlineStatus
from calendars.services import anchor_record, calendar_day_add, deadlines_recompute
from cases.models import Stage
from cases.services import case_create
from lcspr.services import lcspr_final_report_sent, lcspr_publication_plan
from tests.cases.builders import adopt_plan
from tests.lcspr.builders import (
    approved_version,
    opened_lcspr,
    written_report,
)
from tests.notifications.builders import partner_representatives

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2027, 1, 6, 12, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat


@pytest.fixture
def case(partnership):
    adopt_plan(partnership)
    with time_machine.travel(TODAY):
        case = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
        anchor_record(actor=None, case=case, kind=Anchor.DECISION_TO_COMMISSION_LCSPR,
                      occurred_on=d("2026-12-04"))
    return case


@time_machine.travel(TODAY)
def test_the_final_report_is_due_7_statutory_working_days_before_a_planned_publication(
        case, partnership, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    assert case.deadlines.get(step__key="complete_lcspr").due_date == d("2027-06-04")
    with pytest.raises(ValidationError, match="must be in the future"):
        lcspr_publication_plan(actor=officer, case=case, planned_on=d("2027-01-06"))
    lcspr_publication_plan(actor=officer, case=case, planned_on=d("2027-06-02"))
    # Wednesday 2 June 2027, back over the spring bank holiday (Monday 31 May): 1 June,
    # 28, 27, 26, 25, 24, 21 May.
    final = case.deadlines.get(step__key="send_final_lcspr_report")
    assert final.due_date == d("2027-05-21")
    # The partnership's closure days never move it.
    calendar_day_add(actor=None, partnership=partnership, date=d("2027-05-24"),
                     kind=CalendarDay.Kind.CLOSURE, reason="Training day (fictional)")
    deadlines_recompute(partnership=partnership)
    final.refresh_from_db()
    assert final.due_date == d("2027-05-21")
    # Moving the publication moves the deadline.
    lcspr_publication_plan(actor=officer, case=case, planned_on=d("2027-06-09"))
    final.refresh_from_db()
    assert final.due_date == d("2027-05-28")


def test_sending_the_final_report_meets_both_steps(partnership, make_user):
    """Once the report is approved (tests/lcspr/test_publication.py covers the refusals)."""
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY):
        lcspr = opened_lcspr(partnership, officer)
        written_report(lcspr, officer)
        approved_version(lcspr, officer, partner_representatives(partnership))
        case = lcspr.case
        lcspr_publication_plan(actor=officer, case=case, planned_on=d("2027-06-02"))
    with time_machine.travel(datetime.datetime(2027, 5, 20, 12, tzinfo=datetime.UTC)):
        with pytest.raises(ValidationError, match="today or in the past"):
            lcspr_final_report_sent(actor=officer, case=case, sent_on=d("2027-05-21"))
        lcspr_final_report_sent(actor=officer, case=case, sent_on=d("2027-05-20"))
        with pytest.raises(ValidationError, match="already been recorded"):
            lcspr_final_report_sent(actor=officer, case=case, sent_on=d("2027-05-20"))
    statuses = dict(case.deadlines.values_list("step__key", "status"))
    assert statuses["send_final_lcspr_report"] == DeadlineStatus.MET
    assert statuses["complete_lcspr"] == DeadlineStatus.MET


@time_machine.travel(TODAY)
def test_the_lcspr_page_plans_publication_and_keeps_what_was_typed(client, case, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)
    page = client.get(reverse("lcspr:overview", args=[case.reference])).content.decode()
    assert "Friday 4 June 2027" in page or "Fri 4 Jun 2027" in page
    url = reverse("lcspr:publication-plan", args=[case.reference])
    response = client.post(url, {"planned_on_0": "6", "planned_on_1": "1",
                                 "planned_on_2": "2027"})
    assert "The planned publication date must be in the future" in response.content.decode()
    assert 'name="planned_on_0" value="6"' in response.content.decode()
    response = client.post(url, {"planned_on_0": "2", "planned_on_1": "6",
                                 "planned_on_2": "2027"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Wednesday 2 June 2027" in page and "Fri 21 May 2027" in page
    assert "Statutory calendar" in page
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(url).status_code == 404
    assert client.get(reverse("lcspr:overview", args=[case.reference])).status_code == 200
