"""What both spreadsheet uploads (an agency's chronology, its action plan progress) show
the same way: row errors next to the file field and in the error summary, and the page of
a large upload the worker is reading (cases/spreadsheet_jobs.py)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.audit import audit_view
from accounts.rules import require
from cases.models import Case, SpreadsheetUpload

UPLOADS_TOLD = "spreadsheet_uploads_told"  # the session's finished uploads already reported
UPLOADS_TOLD_KEPT = 20


def upload_row_errors_show(form: forms.Form, row_errors: list[str], *, nothing: str) -> None:
    """The count first, then each row's problem, on the file field (so next to it and in
    the summary). ``nothing``: "imported" or "saved", as the page says it."""
    count = len(row_errors)
    form.add_error("file", f"The selected file has {count} error{'s' if count != 1 else ''}. "
                           f"Nothing has been {nothing}: correct the file and upload it "
                           "again")
    for message in row_errors:
        form.add_error("file", message)


def spreadsheet_upload_status(request, upload: SpreadsheetUpload | None, *, case: Case,
                              form: forms.Form, upload_url: str, done_url: str,
                              done_message: Callable[[int], str], nothing: str,
                              template: str,
                              context: dict) -> HttpResponse:
    """The page of an upload the worker reads, found by a caller that has checked who may
    see it (else 404 before this). Imported: to ``done_url`` with ``done_message`` as a
    small upload goes. Waiting or being read: the upload page saying so, with a link to
    check again and no form (a second file waits for the first). Refused: the upload page
    with the errors as a small upload shows them, and the form to upload again."""
    require(upload is not None)
    audit_view(actor=request.user, obj=upload, case=case)
    if upload.status == SpreadsheetUpload.Status.DONE:
        # Said once: a later visit (the back button, the history) goes to the entries
        # without saying again that they were just imported. Kept in the session, as a
        # look at a page changes no record.
        told = request.session.get(UPLOADS_TOLD, [])
        if upload.pk not in told:
            messages.success(request, done_message(upload.count or 0))
            request.session[UPLOADS_TOLD] = [*told, upload.pk][-UPLOADS_TOLD_KEPT:]
        return redirect(done_url)
    form.helper.form_action = upload_url
    form.cleaned_data = {}  # an empty form, shown with the file's errors (add_error needs it)
    if upload.row_errors:
        upload_row_errors_show(form, upload.row_errors, nothing=nothing)
    elif upload.message:
        form.add_error("file", upload.message)
    return render(request, template, {**context, "form": form, "spreadsheet_upload": upload})
