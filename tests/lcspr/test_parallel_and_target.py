"""Parallel processes alongside the LCSPR, and revising its 6 month target: a reason is
needed, the target's deadline moves through the calendars app, every revision is kept
against the original, and a later calendar change or decision correction keeps the revised
date."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import AuditEvent
from calendars.models import Anchor, CalendarDay
from calendars.services import anchor_record, calendar_day_add, deadlines_recompute
from lcspr.models import ParallelProcess, TargetRevision
from lcspr.services import (
    lcspr_final_report_sent,
    lcspr_target_revise,
    parallel_process_add,
    parallel_process_update,
)
from lcspr.services.target import target_deadline
from tests.lcspr.builders import (
    appointed_reviewer,
    approved_version,
    opened_lcspr,
    written_report,
)
from tests.notifications.builders import partner_representatives

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat


def investigation(lcspr, manager, **kwargs):
    values = {"kind": "criminal_investigation", "status": "under_way",
              "lead": "DI Example, senior investigating officer (fictional)",
              "contact": "Monthly call; contacted before any interview",
              "contacted_on": d("2027-01-05"),
              "effect_on_timetable": "Interviews wait for charging decisions"}
    return parallel_process_add(actor=manager, lcspr=lcspr, **{**values, **kwargs})


def test_a_parallel_process_is_recorded_once_per_form_and_kept_up_to_date(lcspr, manager):
    token = uuid.uuid4()
    first = investigation(lcspr, manager, form_token=token)
    again = investigation(lcspr, manager, form_token=token)
    assert again.pk == first.pk and ParallelProcess.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        parallel_process_add(actor=manager, lcspr=lcspr, kind="rumour", status="", lead=" ",
                             contact="", contacted_on=d("2027-01-07"))
    errors = refused.value.message_dict
    assert errors["kind"] == ["Select the kind of process"]
    assert errors["lead"] == ["Enter who leads the process"]
    assert errors["contacted_on"] == ["The date of the last contact must be today or in the past"]
    updated = parallel_process_update(actor=manager, process=first, status="concluded",
                                      lead=first.lead, contact="Through the legal adviser",
                                      contacted_on=None, effect_on_timetable="")
    assert updated.status == "concluded" and updated.contacted_on is None
    event = AuditEvent.objects.filter(object_type="lcspr.parallelprocess").order_by("pk").last()
    assert event.detail == {"case": lcspr.case_id, "status": "concluded", "was": "under_way"}


def test_revising_the_target_needs_a_reason_and_moves_its_deadline(lcspr, manager):
    assert target_deadline(lcspr).due_date == d("2027-06-04")
    with pytest.raises(ValidationError) as refused:
        lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2027-09-03"), reason=" ")
    assert refused.value.message_dict["reason"] == [
        "Enter the reason for revising the target date"]
    with pytest.raises(ValidationError, match="after the decision"):
        lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2026-12-01"),
                            reason="Trial")
    process = investigation(lcspr, manager)
    token = uuid.uuid4()
    # Sunday 5 September 2027: the working day before is Friday 3 September.
    revision = lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2027-09-05"),
                                   reason="The trial is listed for July (fictional)",
                                   parallel_process=process, form_token=token)
    again = lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2027-09-05"),
                                reason="The trial is listed for July (fictional)",
                                parallel_process=process, form_token=token)
    assert again.pk == revision.pk and TargetRevision.objects.count() == 1
    assert (revision.previous_on, revision.revised_on) == (d("2027-06-04"), d("2027-09-03"))
    assert target_deadline(lcspr).due_date == d("2027-09-03")
    moved = AuditEvent.objects.filter(object_type="calendars.deadline").order_by("pk").last()
    assert moved.detail["previous"] == "2027-06-04" and moved.detail["due_date"] == "2027-09-03"
    second = lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2027-10-29"),
                                 reason="The inquest opens in September (fictional)")
    assert second.previous_on == d("2027-09-03")
    with pytest.raises(IntegrityError):
        TargetRevision.objects.create(lcspr=lcspr, previous_on=d("2027-01-01"),
                                      revised_on=d("2027-02-01"), reason="",
                                      recorded_by=manager)


def test_a_revised_target_stays_when_the_calendar_or_the_decision_changes(
        lcspr, manager, partnership):
    lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2027-09-03"),
                        reason="The trial (fictional)")
    deadlines_recompute(partnership=partnership)
    assert target_deadline(lcspr).due_date == d("2027-09-03")
    # The partnership closes on the revised day: the working day before.
    calendar_day_add(actor=None, partnership=partnership, date=d("2027-09-03"),
                     kind=CalendarDay.Kind.CLOSURE, reason="Training day (fictional)")
    deadlines_recompute(partnership=partnership)
    assert target_deadline(lcspr).due_date == d("2027-09-02")
    anchor_record(actor=manager, case=lcspr.case, kind=Anchor.DECISION_TO_COMMISSION_LCSPR,
                  occurred_on=d("2026-12-01"))
    assert target_deadline(lcspr).due_date == d("2027-09-02")


def test_the_pages_show_each_revision_against_the_original(client, lcspr, manager, make_user,
                                                          django_assert_max_num_queries):
    client.force_login(manager)
    ref = lcspr.case.reference
    overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    for name in ("lcspr:target", "lcspr:parallel-processes"):
        assert reverse(name, args=[ref]) in overview
    add = reverse("lcspr:parallel-process-add", args=[ref])
    form = client.get(add).content.decode()
    assert "Criminal investigation" in form and "Mental Health Homicide Review" in form
    token = str(uuid.uuid4())
    data = {"kind": "coroner", "status": "under_way", "lead": "HM Coroner (fictional)",
            "contact": "Through the legal adviser", "contacted_on_0": "4",
            "contacted_on_1": "1", "contacted_on_2": "2027", "effect_on_timetable": "",
            "form_token": token}
    response = client.post(add, {**data, "lead": ""})
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter who leads the process" in page
    assert "Through the legal adviser" in page
    assert client.post(add, data).status_code == 302
    assert client.post(add, data).status_code == 302  # a double click
    assert ParallelProcess.objects.count() == 1
    process = ParallelProcess.objects.get()
    revise = reverse("lcspr:target-revise", args=[ref])
    response = client.post(revise, {"revised_on_0": "3", "revised_on_1": "9",
                                    "revised_on_2": "2027", "reason": "",
                                    "parallel_process": str(process.pk),
                                    "form_token": str(uuid.uuid4())})
    page = response.content.decode()
    assert "Enter the reason for revising the target date" in page
    assert 'name="revised_on_0" value="3"' in page
    response = client.post(revise, {"revised_on_0": "3", "revised_on_1": "9",
                                    "revised_on_2": "2027", "reason": "Inquest (fictional)",
                                    "parallel_process": str(process.pk),
                                    "form_token": str(uuid.uuid4())})
    assert response.status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:target", args=[ref])).content.decode()
    assert "Friday 4 June 2027" in page and "Fri 3 Sep 2027" in page
    assert "Inquest (fictional)" in page and "Coroner&#x27;s investigation" in page
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:parallel-processes", args=[ref])).content.decode()
    assert "HM Coroner (fictional)" in page and "4 January 2027" in page
    edit = reverse("lcspr:parallel-process-edit", args=[ref, process.pk])
    assert edit in page
    assert client.post(edit, {"status": "concluded", "lead": "HM Coroner (fictional)",
                              "contact": "Through the legal adviser"}).status_code == 302
    process.refresh_from_db()
    assert process.status == "concluded"
    with django_assert_max_num_queries(15):
        overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    assert "Revised" in overview


def test_the_reviewer_reads_the_target_and_processes_but_changes_neither(
        client, lcspr, manager, partnership):
    process = investigation(lcspr, manager)
    reviewer = appointed_reviewer(lcspr, manager)
    other = opened_lcspr(partnership, manager)
    client.force_login(reviewer.user)
    ref = lcspr.case.reference
    for name in ("lcspr:target", "lcspr:parallel-processes"):
        assert client.get(reverse(name, args=[ref])).status_code == 200
        assert client.get(reverse(name, args=[other.case.reference])).status_code == 404
    for url in (reverse("lcspr:target-revise", args=[ref]),
                reverse("lcspr:parallel-process-add", args=[ref]),
                reverse("lcspr:parallel-process-edit", args=[ref, process.pk])):
        assert client.get(url).status_code == 404
    page = client.get(reverse("lcspr:parallel-processes", args=[ref])).content.decode()
    assert "Add a parallel process" not in page


def test_a_target_already_met_cannot_be_revised(lcspr, manager, partnership):
    written_report(lcspr, manager)
    approved_version(lcspr, manager, partner_representatives(partnership))
    lcspr_final_report_sent(actor=manager, case=lcspr.case, sent_on=d("2027-01-06"))
    with pytest.raises(ValidationError, match="only be revised while it is open"):
        lcspr_target_revise(actor=manager, lcspr=lcspr, revised_on=d("2027-09-03"),
                            reason="Too late (fictional)")
    assert not TargetRevision.objects.exists()
