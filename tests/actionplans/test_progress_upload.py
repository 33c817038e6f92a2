"""The agency's progress spreadsheet: downloaded with only its own actions, filled in and
uploaded back; checked whole, saved all or nothing through the action's own services, with
every problem listed by row as the chronology upload does."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from actionplans.models import Action, ActionUpdate, Evidence
from cases.models import SpreadsheetUpload
from cases.spreadsheet_jobs import spreadsheet_upload_run
from tests.actionplans.doc_builders import evidence_link, plan_with_actions
from tests.factories import MembershipFactory
from tests.hostile_files import blank_rows_bomb, shared_strings_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(partnership):
    return plan_with_actions(partnership)


def _download(client, user, reference):
    client.force_login(user)
    response = client.get(reverse("actionplans:progress-spreadsheet", args=[reference]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _fill(workbook, changes: dict[str, dict]) -> bytes:
    """Fill in the agency's copy as a person would: by the action's row and the columns'
    names."""
    sheet = workbook["Progress"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        ref = row[header.index("Action ref")].value
        for column, value in changes.get(ref, {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, reference, data: bytes, name="progress.xlsx"):
    return client.post(reverse("actionplans:progress-upload", args=[reference]),
                       {"file": SimpleUploadedFile(name, data)})


def test_the_agency_downloads_only_its_own_actions_with_columns_to_fill(client, built):
    workbook = _download(client, built.police.user, built.plan.case.reference)
    sheet = workbook["Progress"]
    header = [c.value for c in sheet[1]]
    assert header[-5:] == ["Not implemented reason", "Last update", "Progress note",
                           "Evidence link", "Evidence description"]
    assert [r[header.index("Action ref")] for r in sheet.iter_rows(min_row=2,
                                                                    values_only=True)] == \
        ["1.1", "2.1"]
    assert {r[header.index("Agency")] for r in sheet.iter_rows(min_row=2, values_only=True)} \
        == {"Alphashire Police (fictional)"}
    assert sheet.freeze_panes == "F2"
    assert "Guidance" in workbook.sheetnames
    assert sheet.data_validations.dataValidation  # the status list


def test_a_clean_upload_saves_every_row_through_the_services(client, built):
    ref = built.plan.case.reference
    data = _fill(_download(client, built.police.user, ref), {
        "1.1": {"Status": "Complete", "Progress note": "All officers briefed (fictional)",
                "Evidence link": "https://example.org/briefing-log",
                "Evidence description": "Briefing log, 40 of 40 officers"},
        "2.1": {"Status": "At risk", "Progress note": "Audit delayed (fictional)"}})
    response = _upload(client, ref, data)
    assert response.status_code == 302
    assert response.url == reverse("actionplans:my-actions")
    first, second = (Action.objects.get(pk=built.actions[r].pk) for r in ("1.1", "2.1"))
    assert first.status == Action.Status.COMPLETE
    assert second.status == Action.Status.AT_RISK
    evidence = Evidence.objects.get(action=first)
    assert (evidence.kind, evidence.url) == (Evidence.Kind.LINK,
                                             "https://example.org/briefing-log")
    assert ActionUpdate.objects.get(action=second).note == "Audit delayed (fictional)"
    assert not ActionUpdate.objects.filter(action=built.actions["1.2"]).exists()


def test_the_same_upload_posted_twice_saves_once(client, built):
    ref = built.plan.case.reference
    data = _fill(_download(client, built.police.user, ref), {
        "2.1": {"Status": "On track", "Progress note": "Going well (fictional)"}})
    url = reverse("actionplans:progress-upload", args=[ref])
    token = "6a0d5f7e-2f3c-4a57-9d7e-0a1b2c3d4e5f"
    for _ in range(2):
        client.post(url, {"file": SimpleUploadedFile("p.xlsx", data), "form_token": token})
    assert ActionUpdate.objects.filter(action=built.actions["2.1"]).count() == 1


def test_one_bad_row_saves_nothing_and_every_problem_is_listed(client, built):
    ref = built.plan.case.reference
    data = _fill(_download(client, built.police.user, ref), {
        "1.1": {"Status": "On track", "Progress note": "Fine (fictional)",
                "Evidence link": "https://example.org/x",
                "Evidence description": "A good record"},
        "2.1": {"Status": "Finished", "Progress note": "Unknown status"}})
    response = _upload(client, ref, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The selected file has 1 error. Nothing has been saved" in html
    assert "Row 3, Status: choose Not started, On track, At risk, Complete or Not " \
           "implemented" in html
    assert not ActionUpdate.objects.exists() and not Evidence.objects.exists()


def test_complete_without_evidence_is_a_row_error_and_nothing_is_saved(client, built):
    ref = built.plan.case.reference
    data = _fill(_download(client, built.police.user, ref), {
        "1.1": {"Status": "On track", "Progress note": "Briefings booked (fictional)"},
        "2.1": {"Status": "Complete", "Progress note": "Audit done (fictional)"}})
    response = _upload(client, ref, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 3, Status: add evidence of the action" in html
    assert "Nothing has been saved" in html
    # Row 2 was valid and went through its service, but was rolled back with the rest.
    assert not ActionUpdate.objects.exists()
    assert Action.objects.get(pk=built.actions["1.1"].pk).status == Action.Status.NOT_STARTED


def test_evidence_added_online_before_counts_for_complete(client, built):
    ref = built.plan.case.reference
    evidence_link(built, "2.1")
    data = _fill(_download(client, built.police.user, ref), {
        "2.1": {"Status": "Complete", "Progress note": "Audit done (fictional)"}})
    assert _upload(client, ref, data).status_code == 302
    assert Action.objects.get(pk=built.actions["2.1"].pk).status == Action.Status.COMPLETE


def test_another_agencys_action_is_refused_as_a_row_error(client, built):
    ref = built.plan.case.reference
    workbook = _download(client, built.police.user, ref)
    sheet = workbook["Progress"]
    header = [c.value for c in sheet[1]]
    row = [None] * len(header)
    row[header.index("Action ref")] = "1.2"  # the school's
    row[header.index("Status")] = "On track"
    row[header.index("Progress note")] = "Not ours (fictional)"
    sheet.append(row)
    data = _fill(workbook, {"1.1": {"Progress note": "Booked (fictional)"}})
    response = _upload(client, ref, data)
    html = response.content.decode()
    assert "Row 4, Action ref: action 1.2 belongs to another agency" in html
    assert not ActionUpdate.objects.exists()


def test_not_implemented_needs_its_reason_and_other_row_problems(client, built):
    ref = built.plan.case.reference
    workbook = _download(client, built.police.user, ref)
    sheet = workbook["Progress"]
    header = [c.value for c in sheet[1]]
    extra = [None] * len(header)
    extra[header.index("Action ref")] = "9.9"
    extra[header.index("Progress note")] = "No such action"
    sheet.append(extra)
    data = _fill(workbook, {
        "1.1": {"Status": "Not implemented", "Progress note": "Stopped (fictional)"},
        "2.1": {"Evidence link": "https://example.org/audit"}})
    html = _upload(client, ref, data).content.decode()
    assert "Row 2, Not implemented reason: enter why the action will not be " \
           "implemented" not in html  # file checks come first; the service's come after
    assert "Row 3, Progress note: enter what has happened since the last update" in html
    assert "Row 3, Evidence description: enter what the evidence at the link shows" in html
    assert "Row 4, Action ref: there is no action 9.9 in this plan" in html
    assert not ActionUpdate.objects.exists() and not Evidence.objects.exists()
    data = _fill(_download(client, built.police.user, ref), {
        "1.1": {"Status": "Not implemented", "Progress note": "Stopped (fictional)"}})
    html = _upload(client, ref, data).content.decode()
    assert "Row 2, Not implemented reason: enter why the action will not be implemented" \
        in html


def test_unreadable_or_unchanged_files_are_refused_whole(client, built):
    ref = built.plan.case.reference
    client.force_login(built.police.user)
    html = _upload(client, ref, b"not a spreadsheet", "p.pdf").content.decode()
    assert "The selected file must be an XLSX or CSV spreadsheet" in html
    unchanged = _fill(_download(client, built.police.user, ref), {})
    html = _upload(client, ref, unchanged).content.decode()
    assert "The selected file changes nothing" in html
    header_only = b"Action ref,Status\r\n1.1,On track\r\n"
    html = _upload(client, ref, header_only, "p.csv").content.decode()
    assert "Row 1, Progress note: this column is missing" in html


@pytest.mark.parametrize(("bomb", "message"), [
    (shared_strings_bomb, "The selected file is too large once opened"),
    (blank_rows_bomb, "The selected file has more than 10,000 rows"),
])
def test_a_file_that_opens_into_far_more_than_it_weighs_is_refused_within_a_second(
        client, built, bomb, message):
    """The chronology upload's guard (cases/uploads.py), through this page too."""
    ref = built.plan.case.reference
    data = bomb()
    client.force_login(built.police.user)
    started = time.perf_counter()
    response = _upload(client, ref, data)
    assert time.perf_counter() - started < 1
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not ActionUpdate.objects.exists() and not Evidence.objects.exists()


def test_only_agency_users_with_an_action_in_the_plan_see_the_upload(client, built,
                                                                     partnership):
    ref = built.plan.case.reference
    idle = MembershipFactory(partnership=partnership, role=Role.AGENCY_USER).user
    for user in (idle, built.officer):
        client.force_login(user)
        assert client.get(reverse("actionplans:progress-upload", args=[ref])).status_code \
            == 404
        assert client.get(reverse("actionplans:progress-spreadsheet", args=[ref])) \
            .status_code == 404


def test_the_agency_pages_link_the_upload(client, built, django_assert_max_num_queries):
    ref = built.plan.case.reference
    url = reverse("actionplans:progress-upload", args=[ref])
    client.force_login(built.police.user)
    assert url in client.get(reverse("actionplans:my-actions")).content.decode()
    assert url in client.get(reverse("actionplans:action",
                                     args=[ref, built.actions["1.1"].pk])).content.decode()
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert reverse("actionplans:progress-spreadsheet", args=[ref]) in response.content.decode()


# Large files: read and saved by the worker (cases/spreadsheet_jobs.py) -------------------
def _large_upload(client, settings, built, changes: dict[str, dict]) -> SpreadsheetUpload:
    """The police's upload, made large by lowering the threshold (the plan has 3 actions);
    the request keeps it for the worker."""
    settings.UPLOAD_INLINE_MAX_ROWS = 1
    ref = built.plan.case.reference
    data = _fill(_download(client, built.police.user, ref), changes)
    response = _upload(client, ref, data)
    upload = SpreadsheetUpload.objects.get()
    assert response["Location"] == reverse("actionplans:progress-upload-status",
                                           args=[ref, upload.pk])
    assert upload.options == {"agencies": [built.police.agency.pk]}
    assert not ActionUpdate.objects.exists()  # nothing saved in the request
    return upload


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_clean_upload_is_saved_by_the_worker(celery_worker, client, settings, built):
    upload = _large_upload(client, settings, built, {
        "2.1": {"Status": "At risk", "Progress note": "Audit delayed (fictional)"}})
    deadline = time.monotonic() + 120
    while upload.finished_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        upload.refresh_from_db()
    assert (upload.status, upload.count, bytes(upload.data)) == ("done", 1, b"")
    assert ActionUpdate.objects.get(action=built.actions["2.1"]).note == \
        "Audit delayed (fictional)"
    assert Action.objects.get(pk=built.actions["2.1"].pk).status == Action.Status.AT_RISK
    response = client.get(reverse("actionplans:progress-upload-status",
                                  args=[built.plan.case.reference, upload.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("actionplans:my-actions")
    assert "1 action updated from your spreadsheet" in response.content.decode()


def test_a_large_upload_with_row_errors_saves_nothing_and_lists_them(client, settings,
                                                                     built):
    upload = _large_upload(client, settings, built, {
        "1.1": {"Status": "On track", "Progress note": "Fine (fictional)"},
        "2.1": {"Status": "Finished", "Progress note": "Unknown status"}})
    url = reverse("actionplans:progress-upload-status",
                  args=[built.plan.case.reference, upload.pk])
    assert "Your spreadsheet is being checked" in client.get(url).content.decode()
    upload = spreadsheet_upload_run(upload_id=upload.pk)
    assert upload.status == "refused" and bytes(upload.data) == b""
    assert not ActionUpdate.objects.exists()
    html = client.get(url).content.decode()
    summary = html[html.index("govuk-error-summary"):html.index("<h1")]
    assert ('href="#id_file">The selected file has 1 error. Nothing has been saved: correct '
            "the file and upload it again") in summary
    assert ('href="#id_file">Row 3, Status: choose Not started, On track, At risk, Complete '
            "or Not implemented") in summary
    assert f'action="{reverse("actionplans:progress-upload", args=[built.plan.case.reference])}"' \
        in html


def test_only_the_uploaders_agency_sees_a_large_uploads_page(client, settings, built):
    upload = _large_upload(client, settings, built, {
        "2.1": {"Status": "On track", "Progress note": "Going well (fictional)"}})
    url = reverse("actionplans:progress-upload-status",
                  args=[built.plan.case.reference, upload.pk])
    page = client.get(reverse("actionplans:progress-upload", args=[built.plan.case.reference]))
    assert f'href="{url}"' in page.content.decode()  # the way back to it
    for outsider in (built.school.user, built.officer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
