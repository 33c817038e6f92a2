"""The overdue dashboard's reads: what is in it, in which order, how late on a real calendar,
the filters, the counts, and the agency's own view."""

import datetime

import pytest
import time_machine

from accounts.models import Role
from calendars.models import CalendarDay, Deadline, StepAction
from cases.models import Stage
from dashboards import overdue
from dashboards.overdue import Filters, GroupBy, Owner
from tests.factories import AgencyFactory, MembershipFactory

from .overdue_builders import TODAY, late_case, return_from

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 12, 30, 12, 0, tzinfo=datetime.UTC),
                             tick=False):
        yield TODAY


def _rows(user, filters: Filters | None = None):
    dashboard = overdue.overdue_dashboard(user, filters or Filters())
    groups = overdue.grouped(dashboard, list(dashboard.deadlines))
    return dashboard, groups, [row for group in groups for row in group.rows]


def test_late_statutory_steps_come_first_with_working_days_late_over_christmas(
        partnership, make_user):
    police = AgencyFactory(partnerships=[partnership], name="Alphashire Police")
    only_return = late_case(partnership, agency=police, aware_on=None)
    both = late_case(partnership, agency=police)
    dashboard, groups, rows = _rows(make_user(Role.BUSINESS_MANAGER))

    # The case with a late statutory step is first; in it, the statutory steps first.
    assert [g.case_reference for g in groups] == [both.reference, only_return.reference]
    first = groups[0].rows
    assert [r.is_statutory for r in first] == [True, True, False]
    assert {r.deadline.step.met_by for r in first[:2]} == {StepAction.PANEL_NOTIFIED,
                                                           StepAction.PARTNER_LETTER_SENT}
    # Due Wed 23 Dec: 24, 29 and 30 December (25 and 28 are bank holidays).
    assert [r.days_late for r in first] == [3, 3, 2]
    assert first[2].who == "Alphashire Police"
    assert first[0].who == "The business unit"
    assert dashboard.counts == overdue.Counts(overdue_statutory=2, overdue_local=2,
                                              due_soon=0, agencies_late=1)


def test_a_closure_day_makes_a_local_step_less_late_but_never_a_statutory_one(
        partnership, make_user):
    police = AgencyFactory(partnerships=[partnership])
    late_case(partnership, agency=police)
    CalendarDay.objects.create(partnership=partnership, date=datetime.date(2026, 12, 29),
                               kind=CalendarDay.Kind.CLOSURE, reason="Office closed")
    _d, _g, rows = _rows(make_user(Role.MANAGER))
    late = {r.deadline.step.met_by: r.days_late for r in rows}
    assert late[StepAction.PANEL_NOTIFIED] == 3  # England's bank holidays only
    assert late[StepAction.RETURN_SUBMITTED] == 1  # only 30 December is worked


def test_due_in_the_next_5_working_days_is_in_and_later_is_out(partnership, make_user):
    police = AgencyFactory(partnerships=[partnership])
    case = late_case(partnership, aware_on=None)
    return_from(case, police, TODAY)  # due 7 January: 31 Dec, 4, 5, 6, 7 Jan
    later = late_case(partnership, aware_on=None)
    return_from(later, police, TODAY)
    Deadline.objects.filter(case=later).update(due_date=datetime.date(2027, 1, 8))  # 6th
    dashboard, _g, rows = _rows(make_user(Role.BUSINESS_UNIT_OFFICER))
    assert [(r.deadline.case_id, r.due_in, r.days_late) for r in rows] == [(case.pk, 5, 0)]
    assert dashboard.counts.due_soon == 1


def test_filters_by_stage_agency_owner_and_due_dates(partnership, make_user):
    police, school = (AgencyFactory(partnerships=[partnership], name=n)
                      for n in ("Alphashire Police", "Alphashire School"))
    triage = late_case(partnership, agency=police, stage=Stage.TRIAGE)
    referred = late_case(partnership, agency=school, aware_on=None)
    user = make_user(Role.BUSINESS_MANAGER)

    def cases(**filters):
        return {r.deadline.case_id for r in _rows(user, Filters(**filters))[2]}

    assert cases(stage=Stage.TRIAGE) == {triage.pk}
    assert cases(agency=school.pk) == {referred.pk}
    assert cases(owner=Owner.BUSINESS_UNIT) == {triage.pk}  # the Panel notification
    assert cases(owner=Owner.AGENCY) == {triage.pk, referred.pk}
    assert cases(owner=Owner.PARTNER) == set()
    assert cases(due_from=datetime.date(2026, 12, 24)) == {triage.pk, referred.pk}
    only_statutory = _rows(user, Filters(due_to=datetime.date(2026, 12, 23)))[2]
    assert {r.is_statutory for r in only_statutory} == {True}


def test_grouped_by_who_holds_it(partnership, make_user):
    police, school = (AgencyFactory(partnerships=[partnership], name=n)
                      for n in ("Alphashire Police", "Alphashire School"))
    late_case(partnership, agency=police)
    late_case(partnership, agency=school, aware_on=None)
    _d, groups, _rows_ = _rows(make_user(Role.MANAGER), Filters(group_by=GroupBy.HOLDER))
    # The business unit holds the late statutory steps: its group first.
    assert [g.heading for g in groups] == ["The business unit", "Alphashire Police",
                                           "Alphashire School"]
    assert len(groups[0].rows) == 2


def test_only_partnerships_the_user_oversees_and_the_partnership_filter(
        partnership, other_partnership, make_user):
    mine = late_case(partnership)
    theirs = late_case(other_partnership)
    user = make_user(Role.MANAGER)
    assert {r.deadline.case_id for r in _rows(user)[2]} == {mine.pk}
    # A regional service: a manager in both sees both, and can narrow to one.
    MembershipFactory(user=user, partnership=other_partnership, role=Role.MANAGER)
    user = type(user).objects.get(pk=user.pk)  # memberships are cached per user object
    assert {r.deadline.case_id for r in _rows(user)[2]} == {mine.pk, theirs.pk}
    assert {r.deadline.case_id for r in _rows(user, Filters(
        partnership=other_partnership.pk))[2]} == {theirs.pk}


def test_agency_users_partner_representatives_and_reviewers_see_nothing(partnership,
                                                                        make_user):
    late_case(partnership, agency=AgencyFactory(partnerships=[partnership]))
    for role in (Role.AGENCY_USER, Role.PARTNER_REPRESENTATIVE, Role.REVIEWER,
                 Role.ADMINISTRATOR):
        user = make_user(role)
        assert not overdue.can_view_overdue(user)
        assert _rows(user)[2] == []


def test_the_agency_sees_only_its_own_late_returns_in_every_partnership_it_serves(
        partnership, other_partnership):
    police = AgencyFactory(partnerships=[partnership, other_partnership], name="Police")
    school = AgencyFactory(partnerships=[partnership], name="School")
    here = late_case(partnership, agency=police)
    there = late_case(other_partnership, agency=police)
    late_case(partnership, agency=school)
    officer = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                                agency=police).user
    MembershipFactory(user=officer, partnership=other_partnership, role=Role.AGENCY_USER,
                      agency=police)
    view = overdue.agency_overdue(officer)
    assert {r.deadline.case_id for r in view.returns} == {here.pk, there.pk}
    assert {r.who for r in view.returns} == {"Police"}
    assert view.actions == [] and view.returns_total == 2
    assert all(r.href for r in view.returns)  # the agency's own page for its return

    # Acting for the police in one partnership only: nothing of the other's.
    single = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                               agency=police).user
    assert {r.deadline.case_id for r in overdue.agency_overdue(single).returns} == {here.pk}
