"""Opening an LCSPR: from the partners' decision after the Panel's response (key lines of
enquiry carried over, who decided, the 6 month target), or by hand on its question page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Partnership, Role
from cases.models import Stage
from cases.services import case_create
from lcspr.models import Lcspr
from lcspr.services import lcspr_open
from tests.cases.builders import adopt_plan
from tests.lcspr.builders import opened_lcspr

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2027, 1, 6, 12, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat


def test_where_the_executive_endorses_it_decides_the_lcspr(partnership, make_user):
    Partnership.objects.filter(pk=partnership.pk).update(rapid_review_endorsement="executive")
    partnership.refresh_from_db()
    with time_machine.travel(TODAY):
        adopt_plan(partnership)
        case = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
        lcspr = lcspr_open(actor=make_user(), case=case, decided_on=d("2026-12-04"))
    assert lcspr.decided_by == Lcspr.DecidedBy.ASSURANCE_EXECUTIVE
    assert lcspr.key_lines_of_enquiry == ""


@time_machine.travel(TODAY)
def test_an_lcspr_opens_once_only_at_the_lcspr_stage_and_not_in_the_future(partnership,
                                                                          make_user):
    officer = make_user()
    lcspr = opened_lcspr(partnership, officer)
    with pytest.raises(ValidationError, match="already been commissioned"):
        lcspr_open(actor=officer, case=lcspr.case, decided_on=d("2026-12-05"))
    elsewhere = case_create(actor=None, partnership=partnership, stage=Stage.ACTION_PLAN)
    with pytest.raises(ValidationError, match="not at an LCSPR"):
        lcspr_open(actor=officer, case=elsewhere, decided_on=d("2026-12-05"))
    fresh = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    with pytest.raises(ValidationError, match="today or in the past"):
        lcspr_open(actor=officer, case=fresh, decided_on=d("2027-01-07"))


@time_machine.travel(TODAY)
def test_the_business_unit_commissions_one_by_hand_and_keeps_what_was_typed(
        client, partnership, make_user, django_assert_max_num_queries):
    adopt_plan(partnership)
    case = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    client.force_login(make_user())
    overview = client.get(reverse("lcspr:overview", args=[case.reference])).content.decode()
    url = reverse("lcspr:commission", args=[case.reference])
    assert url in overview
    response = client.post(url, {"decided_on_0": "7", "decided_on_1": "1",
                                 "decided_on_2": "2027", "decided_by": "partners",
                                 "key_lines_of_enquiry": "What did the GP know? (fictional)"})
    page = response.content.decode()
    assert "The date of the decision must be today or in the past" in page
    assert "govuk-error-summary" in page and "What did the GP know? (fictional)" in page
    response = client.post(url, {"decided_on_0": "4", "decided_on_1": "12",
                                 "decided_on_2": "2026", "decided_by": "partners",
                                 "key_lines_of_enquiry": "What did the GP know? (fictional)"})
    assert response.status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(response.url).content.decode()
    assert "What did the GP know? (fictional)" in page
    assert "4 December 2026" in page and "Fri 4 Jun 2027" in page
    assert "Review sub-group" in page and "Terms of reference" in page
    # Commissioned: the question page is gone, and a scrutineer may not commission.
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(url).status_code == 404
