"""The plan's downloads (DOCX and PDF, stored as versions and served like every document;
XLSX, the spreadsheet partnerships pass around), the seven-minute briefing's, and the
agency's progress spreadsheet with its upload (all-or-nothing, row errors as the chronology
upload shows them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.forms import apply_service_errors
from accounts.models import AuditEvent
from accounts.rules import require
from cases.models import CaseDocument, SpreadsheetUpload
from cases.selectors import spreadsheet_upload_of, spreadsheet_upload_unfinished
from cases.spreadsheet_jobs import spreadsheet_upload_request
from cases.uploads import spreadsheet_is_large
from cases.views.documents import stored_version_redirect
from cases.views.uploads import spreadsheet_upload_status, upload_row_errors_show
from rapid_review.chronology_io import MAX_UPLOAD_BYTES

from ..documents import action_plan_document, seven_minute_briefing_document
from ..forms.learning import ProgressUploadForm
from ..learning_selectors import (
    plan_actions,
    plan_for_agency,
    plan_for_briefing,
)
from ..models import ActionPlan
from ..selectors import plan_readable
from ..services import ProgressUploadRefused
from ..services.progress_upload import PLAN_SIGNED_OFF, progress_upload_file
from ..spreadsheet import XLSX_TYPE, UnreadableFile, plan_xlsx
from .common import audit_page

UPLOAD_TITLE = "Upload your agency's progress"


def _xlsx_response(request, plan, data: bytes, filename: str, detail: dict) -> HttpResponse:
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=plan,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "kind": CaseDocument.Kind.ACTION_PLAN,
                         "format": "xlsx", **detail})
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def plan_download(request, reference: str, fmt: str):
    """The whole plan, for its readers: XLSX made from the plan as it is (GET); DOCX and
    PDF as a stored version, made by a POST the first time the plan is asked for as it
    stands, then downloaded from the version."""
    require(fmt in ("docx", "pdf", "xlsx"))
    plan = plan_readable(request.user, reference)
    if fmt == "xlsx":
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return _xlsx_response(
            request, plan, plan_xlsx(plan_actions(plan), title=f"Action plan {reference}"),
            f"{reference}-action-plan.xlsx", {"revision": plan.revision})
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    document = action_plan_document(actor=request.user, plan=plan)
    document.case = plan.case
    return stored_version_redirect(document, fmt)


@require_POST
def briefing_download(request, reference: str, fmt: str):
    """The briefing as it stands, stored as a version (POST), then downloaded from it."""
    require(fmt in ("docx", "pdf"))
    plan = plan_for_briefing(request.user, reference)
    document = seven_minute_briefing_document(actor=request.user, plan=plan)
    document.case = plan.case
    return stored_version_redirect(document, fmt)


@require_GET
def progress_spreadsheet(request, reference: str):
    """The agency's own actions of the plan, with the columns it fills in."""
    plan, agencies = plan_for_agency(request.user, reference)
    return _xlsx_response(
        request, plan,
        plan_xlsx(plan_actions(plan, agencies), title=f"Action plan {reference}: progress",
                  progress=True),
        f"{reference}-action-plan-progress.xlsx", {"agencies": sorted(agencies)})


def _updated(count: int) -> str:
    return f"{count} action{'s' if count != 1 else ''} updated from your spreadsheet"


@require_http_methods(["GET", "POST"])
def progress_upload_page(request, reference: str):
    """A small file is read and saved here; a large one, once the cheap checks pass, by
    the worker (cases/spreadsheet_jobs.py), and the person is sent to its page."""
    plan, agencies = plan_for_agency(request.user, reference)
    posted = request.method == "POST"
    form = ProgressUploadForm(request.POST if posted else None,
                              request.FILES if posted else None)
    closed = plan.status == ActionPlan.Status.SIGNED_OFF
    if posted and closed:
        form.add_error(None, PLAN_SIGNED_OFF)
    elif posted and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        try:
            if spreadsheet_is_large(file.name, data, max_bytes=MAX_UPLOAD_BYTES):
                pending = spreadsheet_upload_request(
                    actor=request.user, kind=SpreadsheetUpload.Kind.PROGRESS, case=plan.case,
                    target_id=plan.pk, name=file.name, data=data,
                    options={"agencies": sorted(agencies)},
                    form_token=form.cleaned_data["form_token"])
                return redirect("actionplans:progress-upload-status", reference=reference,
                                upload_pk=pending.pk)
            saved = progress_upload_file(actor=request.user, plan=plan, agencies=agencies,
                                         name=file.name, data=data,
                                         form_token=form.cleaned_data["form_token"])
        except UnreadableFile as unreadable:
            form.add_error("file", str(unreadable))
        except ProgressUploadRefused as refused:
            upload_row_errors_show(form, [str(e) for e in refused.row_errors],
                                   nothing="saved")
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _updated(saved))
            return redirect("actionplans:my-actions")
    else:
        audit_page(request, plan, "progress-upload")
    unfinished = spreadsheet_upload_unfinished(
        kind=SpreadsheetUpload.Kind.PROGRESS, target_id=plan.pk, user=request.user)
    return render(request, "actionplans/progress_upload.html", {
        "form": form, "case": plan.case, "plan": plan, "title": UPLOAD_TITLE,
        "closed": closed, "unfinished_upload": unfinished,
        "unfinished_url": unfinished and reverse("actionplans:progress-upload-status",
                                                 args=[reference, unfinished.pk])})


@require_GET
def progress_upload_status(request, reference: str, upload_pk: int):
    """A large upload's page: for the uploader's agencies only (anyone else: 404)."""
    plan, agencies = plan_for_agency(request.user, reference)
    upload = spreadsheet_upload_of(kind=SpreadsheetUpload.Kind.PROGRESS, target_id=plan.pk,
                                   pk=upload_pk)
    if upload is not None and not agencies & set(upload.options.get("agencies", [])):
        upload = None
    return spreadsheet_upload_status(
        request, upload, case=plan.case, form=ProgressUploadForm(),
        upload_url=reverse("actionplans:progress-upload", args=[reference]),
        done_url=reverse("actionplans:my-actions"), done_message=_updated, nothing="saved",
        template="actionplans/progress_upload.html",
        context={"case": plan.case, "plan": plan, "title": UPLOAD_TITLE,
                 "closed": plan.status == ActionPlan.Status.SIGNED_OFF})


urlpatterns = [
    path("<str:reference>/action-plan/plan.<str:fmt>", plan_download, name="plan-download"),
    path("<str:reference>/action-plan/briefing.<str:fmt>", briefing_download,
         name="briefing-download"),
    path("<str:reference>/action-plan/progress.xlsx", progress_spreadsheet,
         name="progress-spreadsheet"),
    path("<str:reference>/action-plan/progress-upload/", progress_upload_page,
         name="progress-upload"),
    path("<str:reference>/action-plan/progress-upload/<int:upload_pk>/",
         progress_upload_status, name="progress-upload-status"),
]
