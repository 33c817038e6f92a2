"""Chronologies: the agency's own (entries online or a spreadsheet upload), the blank
template, the master chronology with its exports, and the collated report (SCSI-7).

An agency's chronology is found through ``rules.can_view_information_request`` (another
agency's is 404); changes also need ``rules.can_edit_return``. The master chronology
and collated report are the review group's papers (``rules.can_view_master_chronology``).
Exports follow the filters on the page, and say so. A DOCX/PDF too long to render in the
request (``settings.DOCUMENT_INLINE_MAX_ENTRIES``) is prepared by a Celery task: the user is
sent back to the page, which says it is being prepared, then offers the stored version.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_record, audit_view
from accounts.forms import apply_service_errors
from accounts.models import AuditEvent
from accounts.rules import require
from accounts.saved_filters import PARAM as FILTERS
from accounts.saved_filters import filters_redirect, filters_saved
from cases.documents import document_preparation_latest
from cases.models import CaseDocument, DocumentPreparation, SpreadsheetUpload
from cases.selectors import spreadsheet_upload_of, spreadsheet_upload_unfinished
from cases.spreadsheet_jobs import spreadsheet_upload_request
from cases.uploads import spreadsheet_is_large
from cases.views.documents import stored_version_redirect
from cases.views.uploads import spreadsheet_upload_status, upload_row_errors_show

from ..chronology_io import (
    CSV_TYPE,
    MAX_UPLOAD_BYTES,
    XLSX_TYPE,
    UnreadableFile,
    chronology_read,
    master_csv_lines,
    master_xlsx,
    template_csv,
    template_xlsx,
)
from ..forms.chronology import ChronologyEntryForm, ChronologyUploadForm, MasterFilterForm
from ..models import InformationRequest, RapidReview
from ..selectors.chronology import (
    MasterFilters,
    all_master_entries,
    contributing_agencies,
    entry_of_return,
    master_chronology,
    return_entries,
    scope_period,
)
from ..selectors.terms import review_for_lcspr_reader
from ..services.chronology import (
    ENTRY_FIELDS,
    chronology_entry_add,
    chronology_entry_change,
    chronology_entry_remove,
    chronology_upload_once,
    collated_returns_request,
    master_chronology_document,
)


# The agency's chronology -----------------------------------------------------------------
def _visible_request(request, pk: int) -> InformationRequest:
    info_request = (InformationRequest.objects
                    .select_related("review__case__partnership", "agency", "agency_return")
                    .filter(pk=pk).first())
    if info_request is None or info_request.review.case.stage == "draft" \
            or not rules.can_view_information_request(request.user, info_request):
        raise Http404
    return info_request


def _posted(request):
    """The POST data, even when empty (so an empty submission shows its errors)."""
    return request.POST if request.method == "POST" else None


def _editable_request(request, pk: int) -> InformationRequest:
    info_request = _visible_request(request, pk)
    require(rules.can_edit_return(request.user, info_request.agency_return))
    return info_request


@require_GET
def return_chronology(request, pk: int):
    info_request = _visible_request(request, pk)
    agency_return = info_request.agency_return
    scope = scope_period(info_request.review)
    entries = return_entries(agency_return, scope)
    audit_view(actor=request.user, obj=agency_return, case=info_request.review.case)
    return render(request, "rapid_review/chronology/return.html", {
        "info_request": info_request, "case": info_request.review.case,
        "agency_return": agency_return, "entries": entries, "scope": scope,
        "out_of_scope": sum(1 for e in entries if e.out_of_scope),
        "is_agency": rules.can_answer_information_request(request.user, info_request),
        "can_edit": rules.can_edit_return(request.user, agency_return),
    })


def _entry_page(request, info_request, form, *, entry=None):
    return render(request, "rapid_review/chronology/entry_form.html", {
        "form": form, "info_request": info_request, "entry": entry,
        "title": "Change a chronology entry" if entry else "Add a chronology entry"})


@require_http_methods(["GET", "POST"])
def entry_add(request, pk: int):
    info_request = _editable_request(request, pk)
    form = ChronologyEntryForm(_posted(request), submit="Save entry")
    if request.method == "POST" and form.is_valid():
        try:
            chronology_entry_add(actor=request.user, agency_return=info_request.agency_return,
                                 **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Chronology entry added")
            if "add_another" in request.POST:
                return redirect("rapid_review:chronology-entry-add", pk=pk)
            return redirect("rapid_review:return-chronology", pk=pk)
    return _entry_page(request, info_request, form)


def _entry_or_404(info_request, entry_pk: int):
    entry = entry_of_return(info_request.agency_return, entry_pk)
    if entry is None:
        raise Http404
    return entry


@require_http_methods(["GET", "POST"])
def entry_edit(request, pk: int, entry_pk: int):
    info_request = _editable_request(request, pk)
    entry = _entry_or_404(info_request, entry_pk)
    form = ChronologyEntryForm(_posted(request), submit="Save changes",
                               initial={f: getattr(entry, f) for f in ENTRY_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            chronology_entry_change(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Chronology entry changed")
            return redirect("rapid_review:return-chronology", pk=pk)
    return _entry_page(request, info_request, form, entry=entry)


@require_http_methods(["GET", "POST"])
def entry_remove(request, pk: int, entry_pk: int):
    info_request = _editable_request(request, pk)
    entry = _entry_or_404(info_request, entry_pk)
    error = ""
    if request.method == "POST":
        try:
            chronology_entry_remove(actor=request.user, entry=entry)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, "Chronology entry removed")
            return redirect("rapid_review:return-chronology", pk=pk)
    return render(request, "rapid_review/chronology/entry_remove.html", {
        "info_request": info_request, "entry": entry, "error": error})


def _upload_page(request, info_request, form, **context):
    return render(request, "rapid_review/chronology/upload.html", {
        "form": form, "info_request": info_request,
        "existing": info_request.agency_return.chronology_entries.count(), **context})


def _imported(count: int) -> str:
    return f"{count} chronology entr{'ies' if count != 1 else 'y'} imported"


@require_http_methods(["GET", "POST"])
def upload(request, pk: int):
    """A small file is read and imported here; a large one, once the cheap checks pass,
    by the worker (cases/spreadsheet_jobs.py), and the person is sent to its page."""
    info_request = _editable_request(request, pk)
    agency_return = info_request.agency_return
    posted = request.method == "POST"
    form = ChronologyUploadForm(request.POST if posted else None,
                                request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        try:
            if spreadsheet_is_large(file.name, data, max_bytes=MAX_UPLOAD_BYTES):
                pending = spreadsheet_upload_request(
                    actor=request.user, kind=SpreadsheetUpload.Kind.CHRONOLOGY,
                    case=info_request.review.case, target_id=agency_return.pk,
                    name=file.name, data=data, options={"mode": form.cleaned_data["mode"]},
                    form_token=form.cleaned_data["form_token"])
                return redirect("rapid_review:chronology-upload-status", pk=pk,
                                upload_pk=pending.pk)
            parsed = chronology_read(file.name, data, today=timezone.localdate())
        except UnreadableFile as unreadable:
            form.add_error("file", str(unreadable))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not parsed.is_clean:
                upload_row_errors_show(form, [str(e) for e in parsed.errors],
                                       nothing="imported")
            else:
                try:
                    saved = chronology_upload_once(
                        actor=request.user, agency_return=agency_return, upload=parsed,
                        mode=form.cleaned_data["mode"], name=file.name, data=data,
                        form_token=form.cleaned_data["form_token"])
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _imported(saved))
                    return redirect("rapid_review:return-chronology", pk=pk)
    unfinished = spreadsheet_upload_unfinished(
        kind=SpreadsheetUpload.Kind.CHRONOLOGY, target_id=agency_return.pk, user=request.user)
    return _upload_page(request, info_request, form, unfinished_upload=unfinished,
                        unfinished_url=unfinished and reverse(
                            "rapid_review:chronology-upload-status", args=[pk, unfinished.pk]))


@require_GET
def upload_status(request, pk: int, upload_pk: int):
    """A large upload's page: for the agency asked only (anyone else: 404)."""
    info_request = _visible_request(request, pk)
    require(rules.can_answer_information_request(request.user, info_request))
    upload = spreadsheet_upload_of(kind=SpreadsheetUpload.Kind.CHRONOLOGY,
                                   target_id=info_request.agency_return.pk, pk=upload_pk)
    chosen = upload.options.get("mode") if upload else None
    return spreadsheet_upload_status(
        request, upload, case=info_request.review.case,
        form=ChronologyUploadForm(initial={"mode": chosen}),
        upload_url=reverse("rapid_review:chronology-upload", args=[pk]),
        done_url=reverse("rapid_review:return-chronology", args=[pk]),
        done_message=_imported, nothing="imported",
        template="rapid_review/chronology/upload.html",
        context={"info_request": info_request,
                 "existing": info_request.agency_return.chronology_entries.count()})


@require_GET
def template_download(request, fmt: str):
    require(fmt in ("xlsx", "csv"))
    require(rules.can_get_chronology_template(request.user, request.partnership))
    data, content_type = ((template_xlsx(), XLSX_TYPE) if fmt == "xlsx"
                          else (template_csv(), CSV_TYPE))
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="chronology-template.{fmt}"'
    return response


# The master chronology -------------------------------------------------------------------
def _master_review(request, reference: str) -> RapidReview:
    review = review_for_lcspr_reader(request.user, reference,
                                     readers=rules.can_view_master_chronology)
    if review is None:
        raise Http404
    return review


def _scope(review: RapidReview) -> str:
    return f"master-chronology:{review.pk}"


def _filters(request, review: RapidReview, agencies: dict[int, str]
             ) -> tuple[MasterFilterForm, MasterFilters]:
    """The filters kept in the session for the token in the address: the subject searched
    for is a person's name, never put in a URL (accounts/saved_filters.py)."""
    data = filters_saved(request, scope=_scope(review))
    form = MasterFilterForm(data, agencies=agencies,
                            action=reverse("rapid_review:master-chronology",
                                           args=[review.case.reference]))
    if data is None or not form.is_valid():
        return form, MasterFilters()
    agency = form.cleaned_data["agency"]
    return form, MasterFilters(
        agency=agency if agency in agencies else None,
        subject=form.cleaned_data["subject"].strip(),
        date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])


def _query_without_page(request) -> str:
    """The token of the filters (the only thing the address holds), for links and exports."""
    token = request.GET.get(FILTERS)
    return urlencode({FILTERS: token}) if token else ""


@require_http_methods(["GET", "POST"])
def master(request, reference: str):
    review = _master_review(request, reference)
    if request.method == "POST":
        return filters_redirect(request, scope=_scope(review), to=reverse(
            "rapid_review:master-chronology", args=[reference]))
    agencies = contributing_agencies(review)
    form, filters = _filters(request, review, agencies)
    chronology = master_chronology(review, filters, page=request.GET.get("page"),
                                    agencies=agencies)
    audit_view(actor=request.user, obj=review.case)
    return render(request, "rapid_review/chronology/master.html", {
        "review": review, "case": review.case, "form": form, "chronology": chronology,
        "for_reviewer": not rules.can_read_review_papers(request.user, review.case),
        "filters_described": filters.describe(agencies), "filtered": bool(filters),
        "query": _query_without_page(request),
        **_document_exports(request, reference),
        "filters_ended": not form.is_bound and FILTERS in request.GET,
        "out_of_scope": sum(1 for e in chronology.entries if e.out_of_scope),
        "preparation": document_preparation_latest(
            case=review.case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
            related_key=filters.key),
    })


EXPORTS = ("docx", "pdf", "xlsx", "csv")
STORED_EXPORTS = ("docx", "pdf")


def _document_exports(request, reference: str) -> dict[str, str]:
    """Where the Word and PDF buttons post, with the page's filters."""
    query = _query_without_page(request)
    return {f"export_{fmt}": reverse("rapid_review:master-chronology-export",
                                     args=[reference, fmt]) + (f"?{query}" if query else "")
            for fmt in STORED_EXPORTS}


@require_http_methods(["GET", "POST"])
def master_export(request, reference: str, fmt: str):
    """XLSX and CSV are made from the entries as they are (GET); Word and PDF are stored as
    a version (or prepared off the request when long) by a POST, then downloaded from the
    stored version: a GET never stores anything."""
    require(fmt in EXPORTS)
    review = _master_review(request, reference)
    if (request.method == "POST") != (fmt in STORED_EXPORTS):
        return HttpResponseNotAllowed(["POST"] if fmt in STORED_EXPORTS else ["GET"])
    agencies = contributing_agencies(review)
    _form, filters = _filters(request, review, agencies)
    if fmt in STORED_EXPORTS:
        document = master_chronology_document(actor=request.user, review=review,
                                              filters=filters)
        if isinstance(document, DocumentPreparation):  # too long to render in the request
            query = _query_without_page(request)
            page = reverse("rapid_review:master-chronology", args=[reference])
            return redirect(f"{page}?{query}" if query else page)
        document.case = review.case
        return stored_version_redirect(document, fmt)
    entries, _scope = all_master_entries(review, filters)
    case = review.case
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=case,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": CaseDocument.Kind.MASTER_CHRONOLOGY,
                         "format": fmt, "entries": len(entries), "filtered": bool(filters)})
    filename = f"{case.reference}-master-chronology.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in master_csv_lines(entries)),
            content_type=CSV_TYPE)
    else:
        title = f"Master chronology: {case.reference}"
        if filters:
            title += f" (filtered: {filters.describe(agencies)})"
        response = HttpResponse(master_xlsx(entries, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# The collated report (SCSI-7) ------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def collated(request, reference: str):
    review = _master_review(request, reference)
    can_generate = rules.can_run_rapid_review(request.user, review.case)
    if request.method == "POST":
        require(can_generate)
        try:
            document = collated_returns_request(actor=request.user, review=review)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if not isinstance(document, DocumentPreparation):  # else the page says so
                messages.success(request, "Collated returns generated")
        return redirect("rapid_review:collated-returns", reference=reference)
    document = (CaseDocument.objects.filter(case=review.case,
                                            kind=CaseDocument.Kind.COLLATED_RETURNS)
                .defer("docx", "pdf").order_by("-version").first())
    return render(request, "rapid_review/chronology/collated.html", {
        "review": review, "case": review.case, "document": document,
        "can_generate": can_generate,
        "for_reviewer": not rules.can_read_review_papers(request.user, review.case),
        "preparation": document_preparation_latest(
            case=review.case, kind=CaseDocument.Kind.COLLATED_RETURNS)})


urlpatterns = [
    path("information-requests/chronology-template.<str:fmt>", template_download,
         name="chronology-template"),
    path("information-requests/<int:pk>/chronology/", return_chronology,
         name="return-chronology"),
    path("information-requests/<int:pk>/chronology/add/", entry_add,
         name="chronology-entry-add"),
    path("information-requests/<int:pk>/chronology/<int:entry_pk>/edit/", entry_edit,
         name="chronology-entry-edit"),
    path("information-requests/<int:pk>/chronology/<int:entry_pk>/remove/", entry_remove,
         name="chronology-entry-remove"),
    path("information-requests/<int:pk>/chronology/upload/", upload,
         name="chronology-upload"),
    path("information-requests/<int:pk>/chronology/upload/<int:upload_pk>/", upload_status,
         name="chronology-upload-status"),
    path("cases/<str:reference>/rapid-review/chronology/", master,
         name="master-chronology"),
    path("cases/<str:reference>/rapid-review/chronology/export.<str:fmt>", master_export,
         name="master-chronology-export"),
    path("cases/<str:reference>/rapid-review/collated-returns/", collated,
         name="collated-returns"),
]
