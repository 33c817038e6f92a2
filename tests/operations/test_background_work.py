"""Durable background work: what a page queues for the worker is in the database first, so
with Redis down the page says the work is waiting (never a 500), and the sweep queues it
once Redis is back. Real PostgreSQL, real Redis, a real worker; the broker is taken away
from the test process only, by pointing it at a closed port."""

from __future__ import annotations

import datetime
import logging
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from calendars import services as calendar_services
from calendars.models import (
    Anchor,
    CalendarDay,
    CalendarKind,
    Deadline,
    DeadlineRecompute,
    DeadlineStatus,
    TimelineTemplate,
)
from calendars.tasks import deadlines_recompute_requeue
from calendars.working_days import add_working_days
from cases.documents import (
    PREPARATION_MAX_QUEUED,
    PREPARATION_STALE_AFTER,
    document_preparation_request,
    document_preparations_requeue,
)
from cases.models import CaseDocument, DocumentPreparation, SpreadsheetUpload
from cases.services import case_create
from cases.tasks import document_preparations_requeue as document_preparations_requeue_task
from cases.tasks import spreadsheet_uploads_requeue as spreadsheet_uploads_requeue_task
from rapid_review.models import AgencyReturn
from tests.factories import AgencyFactory
from tests.rapid_review.builders import agency_with_user, review_for
from tests.rapid_review.chronology_builders import (
    add_entries,
    csv_bytes,
    good_row,
    request_to,
    scoped,
)

from .conftest import broker_down, broker_hung

d = datetime.date.fromisoformat
WAITING_DOCUMENT = ("The document is waiting to be prepared: the background service is not "
                    "answering. It will be prepared automatically when the service is back")
WAITING_UPLOAD = ("Your spreadsheet is waiting to be checked: the background service is not "
                  "answering. It will be checked automatically when the service is back")
WAITING_DEADLINES = ("Calendar changed. Open deadlines keep their old dates for now: the "
                     "background service is not answering, and they will be recalculated "
                     "automatically when it is back")


def _until(check, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail("The worker did not do the work in time")


@pytest.fixture
def long_review(partnership, settings):
    """8 submitted chronology entries: over the (lowered) limit for rendering in a request."""
    settings.DOCUMENT_INLINE_MAX_ENTRIES = 5
    review = review_for(partnership)
    scoped(review, "2025-01-01", "2026-06-30")
    request = request_to(review, AgencyFactory(partnerships=[partnership], name="Police (fict)"),
                         status=AgencyReturn.Status.SUBMITTED, summary="Summary (fictional)")
    add_entries(request.agency_return, 8, start=d("2026-03-01"), prefix="Police call")
    return review


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_pdf_asked_for_with_redis_down_waits_and_the_sweep_queues_it_later(
        celery_worker, client, long_review, make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    reference = long_review.case.reference
    page = reverse("rapid_review:master-chronology", args=[reference])
    export = reverse("rapid_review:master-chronology-export", args=[reference, "pdf"])

    with broker_down():
        response = client.post(export)
        assert response.status_code == 302 and response["Location"] == page
        html = client.get(page).content.decode()
        assert WAITING_DOCUMENT in html and "Being prepared" in html
        preparation = DocumentPreparation.objects.get()
        assert preparation.pending and preparation.queued_at is None
        assert preparation.times_queued == 0
        # Asking again while Redis is still down tries again, and still says it waits.
        assert client.post(export).status_code == 302
        assert WAITING_DOCUMENT in client.get(page).content.decode()
        assert DocumentPreparation.objects.count() == 1

    # Redis is back: the sweep (beat runs it every minute) queues it, the worker makes it.
    assert document_preparations_requeue_task.apply().get() == {"queued": 1, "given_up": 0}
    preparation = _until(lambda: DocumentPreparation.objects.filter(
        pk=preparation.pk, finished_at__isnull=False).first())
    assert not preparation.failed and preparation.document is not None
    assert preparation.times_queued == 1
    html = client.get(page).content.decode()
    assert WAITING_DOCUMENT not in html and export in html
    response = client.post(export, follow=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(CaseDocument.objects.get().pdf)
    # Nothing left for the sweep.
    assert document_preparations_requeue() == {"queued": 0, "given_up": 0}


@pytest.mark.django_db
def test_a_redis_that_never_answers_costs_the_page_seconds_not_a_500(
        client, long_review, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    reference = long_review.case.reference
    with broker_hung(), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(reverse("rapid_review:master-chronology-export",
                                      args=[reference, "pdf"]))
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 15  # the broker's socket timeouts, not gunicorn's
    assert DocumentPreparation.objects.get().waiting


@pytest.fixture
def plan_case(partnership):
    builtin = TimelineTemplate.objects.get(
        partnership__isnull=True, name="15 working day plan (North East Lincolnshire)")
    calendar_services.template_adopt(actor=None, partnership=partnership, builtin=builtin)
    case = case_create(actor=None, partnership=partnership)
    today = timezone.localdate()
    for kind in (Anchor.REFERRAL_RECEIVED, Anchor.NOTIFICATION_SENT):
        calendar_services.anchor_record(actor=None, case=case, kind=kind, occurred_on=today)
    return case


def _due_dates(case) -> dict[int, datetime.date]:
    return dict(Deadline.objects.filter(case=case, status=DeadlineStatus.OPEN)
                .values_list("pk", "due_date"))


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_upload_with_redis_down_waits_and_the_sweep_queues_it_later(
        celery_worker, client, partnership):
    review = review_for(partnership)
    scoped(review, "2025-01-01", "2026-06-30")
    health = agency_with_user(partnership, "Health visiting (fictional)")
    request = request_to(review, health.agency)
    client.force_login(health.user)
    rows = [good_row(details=f"Visit {i} (fictional)") for i in range(600)]
    with broker_down():
        response = client.post(
            reverse("rapid_review:chronology-upload", args=[request.pk]),
            {"file": SimpleUploadedFile("c.csv", csv_bytes(rows)), "mode": "add"})
        upload = SpreadsheetUpload.objects.get()
        assert (upload.queued_at, upload.times_queued) == (None, 0)
        assert WAITING_UPLOAD in client.get(response["Location"]).content.decode()

    # Redis is back: the sweep (beat runs it every minute) queues it, the worker imports it.
    assert spreadsheet_uploads_requeue_task.apply().get() == {"queued": 1, "given_up": 0}
    _until(lambda: SpreadsheetUpload.objects.filter(pk=upload.pk, status="done").exists())
    assert request.agency_return.chronology_entries.count() == 600


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_closure_day_added_with_redis_down_says_so_and_the_sweep_recomputes_later(
        celery_worker, client, partnership, plan_case, make_user):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    closure = add_working_days(timezone.localdate(), 1, calendar_services.calendar_for(
        partnership))
    before = _due_dates(plan_case)
    local = set(Deadline.objects.filter(
        case=plan_case, status=DeadlineStatus.OPEN, step__calendar=CalendarKind.PARTNERSHIP,
        due_date__gte=closure).values_list("pk", flat=True))
    assert local, "the plan has local deadlines after the closure day"

    with broker_down():
        response = client.post(reverse("calendars:calendar"), {
            "date_0": closure.day, "date_1": closure.month, "date_2": closure.year,
            "kind": CalendarDay.Kind.CLOSURE, "reason": "Office move"}, follow=True)
    assert response.status_code == 200
    assert WAITING_DEADLINES in response.content.decode()
    assert CalendarDay.objects.filter(partnership=partnership, date=closure).exists()
    request = DeadlineRecompute.objects.get(partnership=partnership)
    assert request.waiting and request.step_ids is None
    assert _due_dates(plan_case) == before  # nothing recomputed yet

    # Redis is back: the sweep queues the recompute and the worker does it.
    assert deadlines_recompute_requeue.apply().get() == {"queued": 1}
    _until(lambda: not DeadlineRecompute.objects.exists())
    after = _due_dates(plan_case)
    assert all(after[pk] > before[pk] for pk in local)
    statutory = set(before) - set(Deadline.objects.filter(
        pk__in=before, step__calendar=CalendarKind.PARTNERSHIP).values_list("pk", flat=True))
    assert all(after[pk] == before[pk] for pk in statutory)
    # The worker did the whole recompute: nothing is left to move.
    assert calendar_services.deadlines_recompute(partnership=partnership) == 0


# The sweeps themselves --------------------------------------------------------------------

@pytest.mark.django_db
def test_a_failed_publish_is_logged_and_the_preparation_is_marked_waiting(
        partnership, make_user, django_capture_on_commit_callbacks, caplog):
    review = review_for(partnership)
    with broker_down(), caplog.at_level(logging.WARNING, logger="config.celery"), \
            django_capture_on_commit_callbacks(execute=True):
        preparation = document_preparation_request(
            actor=make_user(), case=review.case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY)
    preparation.refresh_from_db()
    assert preparation.waiting and preparation.times_queued == 0
    assert "Could not queue cases.tasks.document_prepare" in caplog.text


@pytest.mark.django_db
def test_the_sweep_queues_unqueued_and_stale_preparations_and_leaves_fresh_ones(
        partnership, make_user, private_queue, django_capture_on_commit_callbacks):
    officer = make_user()
    cases = [review_for(partnership).case for _ in range(3)]
    now = timezone.now()
    never, stale, fresh = (DocumentPreparation.objects.create(
        case=case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY, requested_by=officer,
        queued_at=queued_at, times_queued=times)
        for case, queued_at, times in zip(cases, [
            None, now - PREPARATION_STALE_AFTER - datetime.timedelta(seconds=1), now],
            [0, 1, 1], strict=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert document_preparations_requeue() == {"queued": 2, "given_up": 0}
    assert private_queue() == 2  # two messages really went to Redis
    for preparation, times in ((never, 1), (stale, 2), (fresh, 1)):
        preparation.refresh_from_db()
        assert preparation.times_queued == times and preparation.queued_at is not None
    assert fresh.queued_at == now  # left alone


@pytest.mark.django_db
def test_a_preparation_that_never_finishes_is_given_up_after_a_few_tries(
        partnership, make_user, private_queue, django_capture_on_commit_callbacks):
    case = review_for(partnership).case
    long_ago = timezone.now() - PREPARATION_STALE_AFTER * 2
    preparation = DocumentPreparation.objects.create(
        case=case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY, requested_by=make_user(),
        queued_at=long_ago, times_queued=PREPARATION_MAX_QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        assert document_preparations_requeue() == {"queued": 0, "given_up": 1}
    preparation.refresh_from_db()
    assert preparation.failed and preparation.finished_at is not None
    assert "could not be prepared after several tries" in preparation.message
    assert private_queue() == 0
    # Asking again starts afresh.
    with django_capture_on_commit_callbacks(execute=True):
        again = document_preparation_request(actor=make_user(), case=case,
                                             kind=CaseDocument.Kind.MASTER_CHRONOLOGY)
    assert again.pk != preparation.pk and again.times_queued == 1 and private_queue() == 1


@pytest.mark.django_db
def test_changes_before_the_run_gather_in_one_request_and_the_run_clears_it(
        partnership, plan_case, private_queue, django_capture_on_commit_callbacks):
    steps = list(plan_case.deadlines.values_list("step_id", flat=True)[:2])
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.deadlines_recompute_request(partnership=partnership,
                                                      step_ids=[steps[0]])
        calendar_services.deadlines_recompute_request(partnership=partnership,
                                                      step_ids=[steps[1], steps[0]])
    request = DeadlineRecompute.objects.get()
    assert request.step_ids == sorted(set(steps)) and not request.waiting
    assert private_queue() == 2
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.deadlines_recompute_request(partnership=partnership)
    assert DeadlineRecompute.objects.get().step_ids is None  # every step, from now on

    CalendarDay.objects.create(partnership=partnership, kind=CalendarDay.Kind.CLOSURE,
                               reason="Closure", date=add_working_days(
                                   timezone.localdate(), 1,
                                   calendar_services.calendar_for(partnership)))
    assert calendar_services.deadlines_recompute_run(partnership_id=partnership.pk) > 0
    assert not DeadlineRecompute.objects.exists()
    # A second message for the same request finds nothing to do.
    assert calendar_services.deadlines_recompute_run(partnership_id=partnership.pk) == 0


@pytest.mark.django_db
def test_the_recompute_sweep_requeues_waiting_and_stale_requests_only(
        partnership, other_partnership, private_queue, django_capture_on_commit_callbacks):
    now = timezone.now()
    DeadlineRecompute.objects.create(partnership=partnership, requested_at=now, queued_at=None)
    DeadlineRecompute.objects.create(partnership=other_partnership, requested_at=now,
                                     queued_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar_services.deadlines_recompute_requeue() == {"queued": 1}
    assert private_queue() == 1
    assert not DeadlineRecompute.objects.get(partnership=partnership).waiting


def test_the_beat_schedule_runs_the_sweeps_every_minute_and_drops_stale_messages():
    from django.conf import settings

    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in ("cases.tasks.document_preparations_requeue",
                 "cases.tasks.spreadsheet_uploads_requeue",
                 "calendars.tasks.deadlines_recompute_requeue", "operations.tasks.heartbeat"):
        assert entries[task]["schedule"] == 60
        assert entries[task]["options"]["expires"] == 60
