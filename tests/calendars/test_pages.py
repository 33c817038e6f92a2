"""Calendar, plan and deadline pages: who sees and changes what, and bounded queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars import services
from calendars.models import Anchor, CalendarDay, Deadline, TimelineTemplate
from cases.services import case_create

from .conftest import d

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def _date_post(prefix: str, value: str, **extra) -> dict:
    year, month, day = value.split("-") if value else ("", "", "")
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year, **extra}


def test_business_manager_adds_a_closure_day(client, make_user, partnership):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    response = client.post(reverse("calendars:calendar"), _date_post(
        "date", "2026-12-24", kind=CalendarDay.Kind.CLOSURE, reason="Council closure"))
    assert response.status_code == 302
    day = CalendarDay.objects.get(partnership=partnership)
    assert (day.date, day.kind) == (d("2026-12-24"), CalendarDay.Kind.CLOSURE)
    assert AuditEvent.objects.filter(object_type="calendars.calendarday",
                                     action=AuditEvent.Action.CREATE).exists()


def test_bad_calendar_input_is_explained_and_kept(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("calendars:calendar"), _date_post(
        "date", "2026-12-25", kind=CalendarDay.Kind.CLOSURE, reason="Already a holiday"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This day is already not a working day" in html
    assert 'value="Already a holiday"' in html
    response = client.post(reverse("calendars:calendar"),
                           _date_post("date", "2026-02-31", kind="", reason=""))
    html = response.content.decode()
    assert "Date must be a real date" in html
    assert "Select what changes on this day" in html
    assert "Enter the reason for the change" in html


def test_officers_see_the_calendar_but_cannot_change_it(client, make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    page = client.get(reverse("calendars:calendar"))
    assert page.status_code == 200 and "Add a change" not in page.content.decode()
    response = client.post(reverse("calendars:calendar"), _date_post(
        "date", "2026-12-24", kind=CalendarDay.Kind.CLOSURE, reason="Closure"))
    assert response.status_code == 404
    assert not CalendarDay.objects.exists()


def test_business_manager_edits_a_step_of_the_plan(client, make_user, plan):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    step = plan.steps.get(key="agency_returns_due")
    url = reverse("calendars:timeline-step-edit", args=[step.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update(offset="6", remind_days_before="3, 1")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    step.refresh_from_db()
    assert (step.offset, step.remind_days_before) == (6, [3, 1])

    data.update(window_start="9")
    response = client.post(url, data)
    assert "The earliest point must not be after the due point" in response.content.decode()


def test_steps_of_another_partnership_are_404(client, make_user, other_partnership):
    builtin = TimelineTemplate.objects.filter(partnership__isnull=True).first()
    theirs = services.template_adopt(actor=None, partnership=other_partnership, builtin=builtin)
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    url = reverse("calendars:timeline-step-edit", args=[theirs.steps.first().pk])
    assert client.get(url).status_code == 404


def test_choosing_a_plan(client, make_user, partnership):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    builtin = TimelineTemplate.objects.get(partnership__isnull=True,
                                           name="Rapid review plan (West Midlands)")
    response = client.post(reverse("calendars:timeline-choose"), {"template": builtin.pk})
    assert response.status_code == 302
    active = TimelineTemplate.objects.get(partnership=partnership, is_active=True)
    assert active.name == builtin.name


@time_machine.travel(TODAY)
def test_correcting_a_date_in_the_browser_form_moves_deadlines(client, make_user, case):
    event = services.anchor_record(actor=None, case=case, kind=Anchor.NOTIFICATION_SENT,
                                   occurred_on=d("2026-11-16"))
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    url = reverse("cases:anchor-correct", args=[case.reference, event.pk])
    response = client.post(url, _date_post("occurred_on", "2026-11-30"))
    assert "The date must be today or in the past" in response.content.decode()
    response = client.post(url, _date_post("occurred_on", "2026-11-18"))
    assert response.status_code == 302
    assert Deadline.objects.get(case=case, step__key="submit_rapid_review").due_date == d(
        "2026-12-09")


@time_machine.travel(TODAY)
def test_case_deadlines_page_is_scoped_audited_and_bounded(client, make_user, partnership,
                                                           other_partnership,
                                                           django_assert_max_num_queries):
    builtin = TimelineTemplate.objects.filter(partnership__isnull=True).first()
    services.template_adopt(actor=None, partnership=other_partnership, builtin=builtin)
    theirs = case_create(actor=None, partnership=other_partnership)
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("cases:case-deadlines",
                              args=[theirs.reference])).status_code == 404

    services.template_adopt(actor=None, partnership=partnership, builtin=builtin)
    cases = [case_create(actor=None, partnership=partnership) for _ in range(3)]
    for case in cases:
        services.anchor_record(actor=None, case=case, kind=Anchor.NOTIFICATION_SENT,
                               occurred_on=d("2026-11-02"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("cases:case-deadlines", args=[cases[0].reference]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=officer,
                                     object_id=str(cases[0].pk)).exists()
    with django_assert_max_num_queries(15):
        response = client.get(reverse("calendars:deadlines") + "?show=all")
    assert len(response.context["page"]) == 3 * Deadline.objects.filter(
        case=cases[0]).count()
    with django_assert_max_num_queries(15):
        assert client.get(reverse("dashboards:home")).status_code == 200


@time_machine.travel(TODAY)
def test_home_page_lists_my_overdue_and_due_soon_deadlines(client, make_user, case):
    services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                           occurred_on=d("2026-11-16"))
    partner = make_user(Role.PARTNER_REPRESENTATIVE)
    client.force_login(partner)
    queues = client.get(reverse("dashboards:home")).context["queues"]
    # Partners sign on 4 December: not yet due soon.
    assert [x.due.step.key for x in queues["mine"].items] == []
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)):
        client.force_login(partner)
        queues = client.get(reverse("dashboards:home")).context["queues"]
    assert [x.due.step.key for x in queues["mine"].items] == ["partners_sign"]


def test_waiving_is_for_the_business_manager_only(client, make_user, case):
    with time_machine.travel(TODAY):
        services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                               occurred_on=d("2026-11-16"))
    deadline = Deadline.objects.get(case=case, step__key="collate_returns")
    url = reverse("cases:deadline-waive", args=[case.reference, deadline.pk])
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    response = client.post(url, {"reason": ""})
    assert "Enter why this deadline no longer applies" in response.content.decode()
    assert client.post(url, {"reason": "Meeting brought forward"}).status_code == 302
    deadline.refresh_from_db()
    assert deadline.status == "waived"


def test_the_plan_shows_which_calendar_each_step_counts_and_what_meets_it(client, make_user,
                                                                        plan):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    html = client.get(reverse("calendars:timeline")).content.decode()
    notify = html[html.index("Notify the National Panel"):]
    notify = notify[:notify.index("</tr>")]
    assert "Statutory calendar" in notify
    assert "The notification to the Panel is recorded" in notify
    returns = html[html.index("Agency returns due"):]
    assert "Partnership calendar" in returns[:returns.index("</tr>")]


def test_a_statutory_step_cannot_be_moved_to_the_partnerships_calendar(client, make_user,
                                                                       plan):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    step = plan.steps.get(key="submit_rapid_review")
    url = reverse("calendars:timeline-step-edit", args=[step.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update(calendar="partnership", remind_days_before="5, 2, 1")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "set in law" in response.content.decode()
    step.refresh_from_db()
    assert step.calendar == "statutory"
    # A partnership's own step can count statutory days if it wishes.
    local = plan.steps.get(key="collate_returns")
    url = reverse("calendars:timeline-step-edit", args=[local.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update(calendar="statutory", remind_days_before="1")
    assert client.post(url, data).status_code == 302
    local.refresh_from_db()
    assert local.calendar == "statutory"


def test_a_new_step_gets_a_key_and_says_what_meets_it(client, make_user, plan):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    response = client.post(reverse("calendars:timeline-step-new"), {
        "label": "Brief the independent scrutineer", "anchor": Anchor.NOTIFICATION_SENT,
        "direction": "after", "offset": "3", "unit": "working_days", "calendar": "partnership",
        "met_by": "marked_done", "responsible_role": "business_manager",
        "remind_days_before": "1", "remind_on_day": "on", "escalate_after": "2"})
    assert response.status_code == 302
    step = plan.steps.get(label="Brief the independent scrutineer")
    assert step.key == "brief_the_independent_scrutineer" and step.met_by == "marked_done"


@time_machine.travel(TODAY)
def test_a_step_done_outside_the_service_is_marked_done_by_the_business_unit(client, make_user,
                                                                            case):
    services.anchor_record(actor=None, case=case, kind=Anchor.REFERRAL_RECEIVED,
                           occurred_on=d("2026-11-24"))
    conference = Deadline.objects.get(case=case, step__key="arrange_partners_conference")
    letters = Deadline.objects.get(case=case, step__key="inform_partners")
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)
    page = client.get(reverse("cases:case-deadlines", args=[case.reference])).content.decode()
    done_url = reverse("cases:deadline-done", args=[case.reference, conference.pk])
    assert done_url in page
    # A step the service meets itself (sending SCSI-2) cannot be ticked off by hand.
    assert client.get(reverse("cases:deadline-done",
                              args=[case.reference, letters.pk])).status_code == 404
    response = client.post(done_url, {"note": "Booked for 10am by telephone"})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == "met" and conference.met_at is not None
    assert AuditEvent.objects.filter(object_type="calendars.deadline",
                                     object_id=str(conference.pk),
                                     detail__marked_done=True).exists()
    # Marked done again (a double click, two people at once): nothing more is recorded.
    assert client.post(done_url, {"note": ""}).status_code == 302
    assert AuditEvent.objects.filter(object_type="calendars.deadline",
                                     object_id=str(conference.pk),
                                     detail__marked_done=True).count() == 1
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(done_url).status_code == 404
