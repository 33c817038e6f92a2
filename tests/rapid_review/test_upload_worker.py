"""A large chronology spreadsheet is read and imported by a real Celery worker, not in the
web request (issue 15): the request makes the cheap checks only, keeps the file and shows
a page that says it is being checked; the worker imports it all or nothing for the person
who uploaded it, or the page lists its row errors as a small upload's; the file is emptied
once done; a second submit or a second run does one thing; another agency gets 404."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from cases.models import SpreadsheetUpload
from cases.spreadsheet_jobs import spreadsheet_upload_run, spreadsheet_uploads_requeue
from cases.tasks import spreadsheet_upload_read
from rapid_review.models import AgencyReturn, ChronologyEntry
from tests.celery_control import finished, paused, resumed, waiting_in_broker
from tests.rapid_review.builders import agency_with_user
from tests.rapid_review.chronology_builders import (
    csv_bytes,
    good_row,
    health_visiting_return,
    request_to,
    xlsx_bytes,
)

BEING_CHECKED = "Your spreadsheet is being checked"
TOKEN = "6a0d5f7e-2f3c-4a57-9d7e-0a1b2c3d4e5f"


@pytest.fixture
def setup(partnership):
    """An agency's open return with 2 entries; another agency of the same review."""
    review, request, user = health_visiting_return(partnership, entries=2)
    police = agency_with_user(partnership, "Police (fictional)")
    request_to(review, police.agency)
    return request, user, police.user


def _rows(count: int, *, bad: dict[int, list] | None = None) -> list[list]:
    """``count`` entries (more than UPLOAD_INLINE_MAX_ROWS, 500, makes the file large);
    ``bad``: the rows (by index) to replace."""
    rows = [good_row(f"{1 + i % 28:02d}/0{1 + i % 9}/2026", f"Visit {i} (fictional)")
            for i in range(count)]
    for index, row in (bad or {}).items():
        rows[index] = row
    return rows


def _post(client, request, data: bytes, *, name: str = "chronology.xlsx",
          mode: str = "replace", token: str = TOKEN):
    return client.post(reverse("rapid_review:chronology-upload", args=[request.pk]),
                       {"file": SimpleUploadedFile(name, data), "mode": mode,
                        "form_token": token})


@pytest.fixture
def waiting(client, setup) -> SpreadsheetUpload:
    """The agency's large upload (600 rows) kept for the worker (none runs here), the
    uploader signed in."""
    request, user, _other = setup
    client.force_login(user)
    _post(client, request, xlsx_bytes(_rows(600)))
    return SpreadsheetUpload.objects.get()


def _status_url(request, upload: SpreadsheetUpload) -> str:
    return reverse("rapid_review:chronology-upload-status", args=[request.pk, upload.pk])


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_clean_file_is_imported_by_the_worker_and_a_second_submit_does_nothing(
        celery_worker, client, setup, django_assert_max_num_queries):
    queue, _mail = celery_worker
    request, user, _other = setup
    client.force_login(user)
    data = xlsx_bytes(_rows(600))
    paused(queue)

    response = _post(client, request, data)
    upload = SpreadsheetUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == _status_url(request, upload)
    assert (upload.kind, upload.target_id, upload.options) == (
        "chronology", request.agency_return.pk, {"mode": "replace"})
    assert bytes(upload.data) == data and upload.status == "pending"
    with django_assert_max_num_queries(15):
        html = client.get(_status_url(request, upload)).content.decode()
    assert BEING_CHECKED in html and 'id="check-again"' in html
    assert 'id="id_file"' not in html  # no second file while this one waits
    # The same form posted again (a double click) keeps and queues nothing new.
    assert _post(client, request, data)["Location"] == _status_url(request, upload)
    assert SpreadsheetUpload.objects.count() == 1 and waiting_in_broker(queue) == 1
    assert ChronologyEntry.objects.count() == 2  # nothing imported in the request

    resumed(queue)
    upload = finished(upload)
    assert (upload.status, upload.count, upload.row_errors) == ("done", 600, [])
    assert bytes(upload.data) == b""  # the child's details are not kept
    assert ChronologyEntry.objects.count() == 600  # replaced
    assert ChronologyEntry.objects.filter(details="Visit 599 (fictional)").exists()
    response = client.get(_status_url(request, upload), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rapid_review:return-chronology",
                                                     args=[request.pk])
    assert "600 chronology entries imported" in response.content.decode()
    # A later visit (the back button) goes to the entries without saying it again.
    response = client.get(_status_url(request, upload), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rapid_review:return-chronology",
                                                     args=[request.pk])
    assert "chronology entries imported" not in response.content.decode()
    audit = AuditEvent.objects.filter(actor=user)
    assert audit.filter(action=AuditEvent.Action.CREATE, detail__chronology_upload=600,
                        object_id=str(request.agency_return.pk)).count() == 1
    assert audit.filter(object_type="cases.spreadsheetupload", object_id=str(upload.pk),
                        action__in=[AuditEvent.Action.CREATE,
                                    AuditEvent.Action.UPDATE]).count() == 2


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_file_with_row_errors_imports_nothing_and_the_page_lists_them(
        celery_worker, client, setup):
    request, user, _other = setup
    client.force_login(user)
    future = (datetime.date.today() + datetime.timedelta(weeks=60)).strftime("%d/%m/%Y")
    data = csv_bytes(_rows(600, bad={3: good_row(future), 10: good_row(details="")}))
    upload_url = reverse("rapid_review:chronology-upload", args=[request.pk])
    response = _post(client, request, data, name="chronology.csv", mode="add")
    upload = finished(SpreadsheetUpload.objects.get())
    assert upload.status == "refused" and bytes(upload.data) == b""
    assert ChronologyEntry.objects.count() == 2

    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index("govuk-error-summary"):html.index("<h1")]
    for message in ("The selected file has 2 errors. Nothing has been imported: correct the "
                    "file and upload it again",
                    "Row 5, Date: the date must be today or in the past",
                    "Row 12, Details of event: enter the details of the event"):
        assert f'href="#id_file">{message}' in summary
        assert html.count(message) == 2  # in the summary and next to the field
    assert BEING_CHECKED not in html
    assert f'action="{upload_url}"' in html and 'id="id_file"' in html  # upload again


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def _runs_succeeded(log: Path, timeout: float = 60) -> int:
    """Wait for the worker to have run the upload task three times; how many it ran."""
    deadline = time.monotonic() + timeout
    while True:
        runs = sum("spreadsheet_upload_read[" in line and " succeeded in " in line
                   for line in log.read_text().splitlines())
        if runs >= 3 or time.monotonic() > deadline:
            return runs
        time.sleep(0.2)


def test_the_task_run_twice_imports_once(celery_worker, client, setup):
    queue, mail = celery_worker
    request, user, _other = setup
    client.force_login(user)
    paused(queue)
    _post(client, request, xlsx_bytes(_rows(600)), mode="add")
    upload = SpreadsheetUpload.objects.get()
    # Queued twice more (a redelivery, the sweep): three runs by the worker, one import.
    spreadsheet_upload_read.apply_async((upload.pk,), queue=queue)
    spreadsheet_upload_read.apply_async((upload.pk,), queue=queue)
    resumed(queue)
    assert _runs_succeeded(mail.parent / "worker.log") == 3
    assert spreadsheet_upload_run(upload_id=upload.pk).status == "done"  # and a fourth here
    upload.refresh_from_db()
    assert (upload.status, upload.count) == ("done", 600)
    assert ChronologyEntry.objects.count() == 602  # added once to the 2
    assert AuditEvent.objects.filter(detail__chronology_upload=600).count() == 1
    assert AuditEvent.objects.filter(object_type="cases.spreadsheetupload",
                                     action=AuditEvent.Action.UPDATE).count() == 1


@pytest.mark.django_db
def test_another_agency_or_the_business_unit_gets_404_on_the_waiting_page(
        client, setup, waiting, make_user):
    request, _user, other = setup
    upload = waiting
    url = _status_url(request, upload)
    assert BEING_CHECKED in client.get(url).content.decode()
    # Back on the upload page later, the uploader is shown the way to it.
    upload_page = reverse("rapid_review:chronology-upload", args=[request.pk])
    assert f'href="{url}"' in client.get(upload_page).content.decode()
    for outsider in (other, make_user(Role.BUSINESS_UNIT_OFFICER)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    # Nor under another return's address, even by the uploader.
    police_request = AgencyReturn.objects.exclude(pk=request.agency_return.pk).get().request
    client.force_login(other)
    assert client.get(reverse("rapid_review:chronology-upload-status",
                              args=[police_request.pk, upload.pk])).status_code == 404
    assert not AuditEvent.objects.filter(actor=other, object_type="cases.spreadsheetupload")


@pytest.mark.django_db
def test_a_return_submitted_before_the_worker_reads_the_file_imports_nothing(
        client, setup, waiting):
    request = setup[0]
    AgencyReturn.objects.filter(pk=request.agency_return.pk).update(
        status=AgencyReturn.Status.SUBMITTED)
    upload = spreadsheet_upload_run(upload_id=waiting.pk)
    assert upload.status == "refused" and bytes(upload.data) == b""
    assert "has been submitted, so its chronology cannot be changed" in upload.message
    assert ChronologyEntry.objects.count() == 2
    html = client.get(_status_url(request, upload)).content.decode()
    assert "has been submitted, so its chronology cannot be changed" in html
    # Finished: the upload page no longer points to it.
    AgencyReturn.objects.filter(pk=request.agency_return.pk).update(
        status=AgencyReturn.Status.DRAFT)
    html = client.get(reverse("rapid_review:chronology-upload", args=[request.pk])).content
    assert _status_url(request, upload) not in html.decode()


@pytest.mark.django_db
def test_small_files_are_still_imported_in_the_request(client, setup):
    request, user, _other = setup
    client.force_login(user)
    # 499 entries and the header: 500 rows, not large (more than 500 is)
    response = _post(client, request, xlsx_bytes(_rows(499)))
    assert response["Location"] == reverse("rapid_review:return-chronology",
                                           args=[request.pk])
    assert ChronologyEntry.objects.count() == 499
    # Recorded as imported, for a second post from the page to find; no file kept.
    [upload] = SpreadsheetUpload.objects.all()
    assert (upload.status, upload.count, bytes(upload.data)) == ("done", 499, b"")


@pytest.mark.django_db
def test_the_sweep_requeues_a_lost_upload_then_gives_it_up_and_empties_it(waiting):
    upload = waiting
    SpreadsheetUpload.objects.filter(pk=upload.pk).update(queued_at=None)  # broker was down
    assert spreadsheet_uploads_requeue() == {"queued": 1, "given_up": 0}
    SpreadsheetUpload.objects.filter(pk=upload.pk).update(queued_at=None, times_queued=3)
    assert spreadsheet_uploads_requeue() == {"queued": 0, "given_up": 1}
    upload.refresh_from_db()
    assert upload.status == "refused" and bytes(upload.data) == b""
    assert "could not be read" in upload.message
    assert ChronologyEntry.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_finished_upload_that_keeps_its_file(waiting):
    upload = waiting
    with pytest.raises(IntegrityError), transaction.atomic():
        SpreadsheetUpload.objects.filter(pk=upload.pk).update(
            status="done", finished_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        SpreadsheetUpload.objects.filter(pk=upload.pk).update(status="done", data=b"")


@pytest.mark.django_db
def test_another_file_from_a_page_used_again_is_a_new_upload(client, setup):
    """The back button keeps the page's token: the same file is one upload, another file
    another."""
    request, user, _other = setup
    client.force_login(user)
    data = xlsx_bytes(_rows(600))
    first = _post(client, request, data)
    assert _post(client, request, data)["Location"] == first["Location"]
    second = _post(client, request, xlsx_bytes(_rows(700)))
    assert second["Location"] != first["Location"]
    assert SpreadsheetUpload.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="cases.spreadsheetupload",
                                     action=AuditEvent.Action.CREATE).count() == 2
